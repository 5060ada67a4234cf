package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.signup.contract.SignupEvent;

/**
 * What a cluster runs, read from the renders {@code kubectl apply -k} sends: the default (k8s/ then knative/) and
 * the production overlay (production/). Each rule is also shown catching the mistake it exists for.
 */
class ClusterPathTest {

    static final String DEFAULT = "default";
    static final String PRODUCTION = "production";
    /** Knative's KPA: a revision keeps a pod while any request fell in the last 60 s, then waits up to 30 s more. */
    static final int STABLE_WINDOW_AND_GRACE_SECONDS = 60 + 30;
    /** Connections kept free beyond the app role's limit: the migration Job (Flyway + 1) and an operator's psql. */
    static final int OWNER_RESERVE = 2 + 3;
    static final String DATABASE_CLIENT = "signup/database-client";

    static List<JsonNode> render(String overlay) {
        return overlay.equals(DEFAULT)
                ? Stream.concat(Renders.of("k8s").stream(), Renders.of("knative").stream()).toList()
                : Renders.of("production");
    }

    static List<JsonNode> kind(List<JsonNode> rendered, String kind) {
        return rendered.stream().filter(doc -> doc.path("kind").asText().equals(kind)).toList();
    }

    static JsonNode named(List<JsonNode> rendered, String kind, String name) {
        return kind(rendered, kind).stream().filter(doc -> doc.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    // Pod security

    @ParameterizedTest
    @ValueSource(strings = { DEFAULT, PRODUCTION })
    void everyPodMeetsTheRestrictedProfile(String overlay) {
        List<PodTemplates> pods = PodTemplates.of(render(overlay));
        assertTrue(pods.size() >= 4, "functions, migration Job (and the database in the default)");
        assertEquals(List.of(), pods.stream().flatMap(pod -> pod.restrictedViolations().stream()).toList());
        JsonNode namespace = kind(render(overlay), "Namespace").get(0);
        assertEquals("restricted", namespace.path("metadata").path("labels")
                .path("pod-security.kubernetes.io/enforce").asText(), "the namespace enforces it too");
    }

    @Test
    void aPodBelowTheRestrictedProfileIsCaught() throws Exception {
        JsonNode job = Manifests.YAML.readTree("""
                kind: Job
                metadata: {name: loose}
                spec:
                  template:
                    spec:
                      hostNetwork: true
                      containers:
                        - name: c
                          image: x
                          securityContext: {runAsUser: 0, capabilities: {add: [NET_ADMIN]}}
                """);
        assertEquals(List.of("Job/loose: hostNetwork", "Job/loose/c: runAsNonRoot is not true",
                "Job/loose/c: runs as uid 0", "Job/loose/c: allowPrivilegeEscalation is not false",
                "Job/loose/c: capabilities.drop lacks ALL", "Job/loose/c: adds capability NET_ADMIN",
                "Job/loose/c: seccompProfile is not RuntimeDefault"),
                PodTemplates.of(List.of(job)).get(0).restrictedViolations());
    }

    @ParameterizedTest
    @ValueSource(strings = { DEFAULT, PRODUCTION })
    void everyContainerHasAMemoryLimitAtOrAboveItsRequest(String overlay) {
        List<String> wrong = new ArrayList<>();
        PodTemplates.of(render(overlay)).forEach(pod -> pod.resources().forEach((container, resources) -> {
            long limit = mebibytes(resources.path("limits").path("memory").asText(""));
            long request = mebibytes(resources.path("requests").path("memory").asText(""));
            if (limit <= 0 || request <= 0 || request > limit) {
                wrong.add(container + ": request " + request + " Mi, limit " + limit + " Mi");
            }
        }));
        assertEquals(List.of(), wrong);
    }

    // Who reaches the database

    @ParameterizedTest
    @ValueSource(strings = { DEFAULT, PRODUCTION })
    void exactlyThePodsThatUseTheDatabaseMayReachIt(String overlay) {
        assertEquals(List.of(), databaseReachViolations(render(overlay), overlay));
    }

    @Test
    void aFunctionThatReachesTheDatabaseWithoutTheLabelIsCaught() {
        List<JsonNode> rendered = render(DEFAULT).stream().<JsonNode>map(JsonNode::deepCopy).toList();
        ((ObjectNode) named(rendered, "Service", "send-email-fn").path("spec").path("template").path("metadata")
                .path("labels")).remove(DATABASE_CLIENT);
        ((ObjectNode) named(rendered, "Service", "render-html-fn").path("spec").path("template").path("metadata"))
                .putObject("labels").put(DATABASE_CLIENT, "true");
        assertEquals(List.of("Service/render-html-fn: is a database client but does not use the database",
                "Service/send-email-fn: uses the database but is not a database client"),
                databaseReachViolations(rendered, DEFAULT));
    }

    /**
     * The pods that use the database (a database URL or PGHOST) are exactly those labelled as its clients, and the
     * NetworkPolicy in front of the database (default) or the pooler (production) lets in only those.
     */
    static List<String> databaseReachViolations(List<JsonNode> rendered, String overlay) {
        List<String> violations = new ArrayList<>();
        for (PodTemplates pod : PodTemplates.of(rendered)) {
            boolean usesDatabase = pod.containers().stream().anyMatch(c -> PodTemplates.env(c,
                    "QUARKUS_DATASOURCE_REACTIVE_URL") != null || PodTemplates.env(c, "PGHOST") != null);
            boolean client = "true".equals(pod.label(DATABASE_CLIENT));
            if ("postgres".equals(pod.label("app.kubernetes.io/name"))) {
                continue;
            }
            if (usesDatabase && !client) {
                violations.add(pod.owner() + ": uses the database but is not a database client");
            } else if (client && !usesDatabase) {
                violations.add(pod.owner() + ": is a database client but does not use the database");
            }
        }
        String guarded = overlay.equals(DEFAULT) ? "app.kubernetes.io/name=postgres"
                : "cnpg.io/poolerName=signup-db-pooler-rw";
        List<JsonNode> policies = kind(rendered, "NetworkPolicy").stream()
                .filter(p -> selector(p.path("spec").path("podSelector")).equals(guarded)).toList();
        if (policies.size() != 1 || !peers(policies.get(0)).equals(List.of(DATABASE_CLIENT + "=true"))) {
            violations.add(guarded + ": not guarded by one NetworkPolicy that lets in only database clients");
        }
        return violations;
    }

    @Test
    void theProductionInstancesAcceptOnlyThePoolerTheMigrationsEachOtherAndTheOperator() {
        JsonNode policy = named(render(PRODUCTION), "NetworkPolicy", "postgres-instances");
        assertEquals("cnpg.io/cluster=signup-db", selector(policy.path("spec").path("podSelector")));
        assertEquals(Set.of("cnpg.io/poolerName=signup-db-pooler-rw", "app.kubernetes.io/name=signup-db-migrate",
                "cnpg.io/cluster=signup-db", "namespace kubernetes.io/metadata.name=cnpg-system"),
                new TreeSet<>(peers(policy)));
    }

    // Connection budget

    @Test
    void theDefaultConnectionBudgetHolds() {
        assertEquals(List.of(), defaultBudgetViolations(render(DEFAULT)));
    }

    @Test
    void aBudgetBrokenByScalingOutIsCaught() {
        List<JsonNode> rendered = render(DEFAULT).stream().<JsonNode>map(JsonNode::deepCopy).toList();
        ((ObjectNode) named(rendered, "Service", "save-email-fn").path("spec").path("template").path("metadata")
                .path("annotations")).put("autoscaling.knative.dev/max-scale", "20");
        assertEquals(List.of("pools 140 > app role's connection limit 85"), defaultBudgetViolations(rendered));
    }

    @Test
    void theProductionConnectionBudgetHolds() {
        List<JsonNode> rendered = render(PRODUCTION);
        JsonNode pooler = named(rendered, "Pooler", "signup-db-pooler-rw").path("spec");
        JsonNode cluster = named(rendered, "Cluster", "signup-db").path("spec");
        int clients = functionPools(rendered, "signup-db-pooler-rw.signup.svc.cluster.local");
        int maxClients = pooler.path("pgbouncer").path("parameters").path("max_client_conn").asInt();
        assertTrue(clients <= maxClients, clients + " function connections fit one pooler instance's " + maxClients);
        int serverConnections = pooler.path("instances").asInt() * pooler.path("pgbouncer").path("parameters")
                .path("default_pool_size").asInt();
        JsonNode role = cluster.path("managed").path("roles").get(0);
        assertEquals("signup", role.path("name").asText());
        assertFalse(role.path("superuser").asBoolean(true));
        int roleLimit = role.path("connectionLimit").asInt();
        assertTrue(serverConnections <= roleLimit, serverConnections + " pooled connections <= role limit " + roleLimit);
        JsonNode parameters = cluster.path("postgresql").path("parameters");
        int available = parameters.path("max_connections").asInt() - parameters.path("superuser_reserved_connections")
                .asInt() - (cluster.path("instances").asInt() - 1) - OWNER_RESERVE;
        assertTrue(roleLimit <= available, "role limit " + roleLimit + " <= " + available);
    }

    /** Max-scale × pool size of the functions against the role's limit, and the limit against max_connections. */
    static List<String> defaultBudgetViolations(List<JsonNode> rendered) {
        List<String> violations = new ArrayList<>();
        int pools = functionPools(rendered, "postgres.signup.svc.cluster.local");
        int roleLimit = named(rendered, "ConfigMap", "signup-db-roles").path("data").path("APP_CONNECTION_LIMIT")
                .asInt();
        if (pools > roleLimit) {
            violations.add("pools " + pools + " > app role's connection limit " + roleLimit);
        }
        List<String> args = new ArrayList<>();
        named(rendered, "StatefulSet", "postgres").path("spec").path("template").path("spec").path("containers")
                .get(0).path("args").forEach(arg -> args.add(arg.asText()));
        int available = setting(args, "max_connections") - setting(args, "superuser_reserved_connections")
                - OWNER_RESERVE;
        if (roleLimit > available) {
            violations.add("app role's connection limit " + roleLimit + " > " + available);
        }
        return violations;
    }

    /** The connections the functions' pools may open at their max scale; each must state its pool size. */
    private static int functionPools(List<JsonNode> rendered, String host) {
        int total = 0;
        for (PodTemplates pod : PodTemplates.of(kind(rendered, "Service"))) {
            JsonNode container = pod.spec().path("containers").get(0);
            String url = PodTemplates.env(container, "QUARKUS_DATASOURCE_REACTIVE_URL");
            if (url == null) {
                continue;
            }
            assertTrue(url.contains("//" + host + ":"), pod.owner() + " connects through " + host + ": " + url);
            assertEquals("signup-db", PodTemplates.secretOf(container, "QUARKUS_DATASOURCE_USERNAME"),
                    pod.owner() + " logs in as the functions' role");
            String size = PodTemplates.env(container, "QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE");
            assertNotNull(size, pod.owner() + " states its pool size");
            assertNotNull(PodTemplates.env(container, "QUARKUS_DATASOURCE_REACTIVE_IDLE_TIMEOUT"),
                    pod.owner() + " closes idle connections");
            String maxScale = pod.annotation(KnativeRules.AUTOSCALING + "max-scale");
            assertNotNull(maxScale, pod.owner() + " has a max-scale");
            total += Integer.parseInt(maxScale) * Integer.parseInt(size);
        }
        return total;
    }

    // Scale to zero

    @ParameterizedTest
    @ValueSource(strings = { DEFAULT, PRODUCTION })
    void everyFunctionCanReachZeroPodsWhenIdle(String overlay) {
        List<JsonNode> rendered = render(overlay);
        List<PodTemplates> functions = PodTemplates.of(kind(rendered, "Service"));
        assertEquals(3, functions.size());
        functions.forEach(f -> assertEquals("0", f.annotation(KnativeRules.AUTOSCALING + "min-scale"), f.owner()));
        for (JsonNode ping : kind(rendered, "PingSource")) {
            String schedule = ping.path("spec").path("schedule").asText();
            assertTrue(Cron.shortestGapMinutes(schedule) * 60 > STABLE_WINDOW_AND_GRACE_SECONDS,
                    "between two pings (" + schedule + ") its function must outlive the stable window and reach 0");
        }
    }

    @Test
    void aPingEveryMinuteWouldHoldAPodForeverAndIsCaught() {
        assertEquals(1, Cron.shortestGapMinutes("* * * * *"));
        assertEquals(15, Cron.shortestGapMinutes("*/15 * * * *"));
        assertEquals(5, Cron.shortestGapMinutes("0,5,30 * * * *"));
        assertEquals(60, Cron.shortestGapMinutes("7 * * * *"));
    }

    // Production engines

    @Test
    void productionUsesAKafkaBrokerWithTheSameDelivery() {
        List<JsonNode> production = render(PRODUCTION);
        JsonNode broker = named(production, "Broker", "signup");
        assertEquals("Kafka", broker.path("metadata").path("annotations").path("eventing.knative.dev/broker.class")
                .asText());
        JsonNode config = named(production, "ConfigMap", broker.path("spec").path("config").path("name").asText());
        assertTrue(config.path("data").path("default.topic.replication.factor").asInt() >= 3, "replicated topics");
        assertEquals(named(render(DEFAULT), "Broker", "signup").path("spec").path("delivery"),
                broker.path("spec").path("delivery"), "retries, backoff and dead-letter sink as in development");
    }

    @Test
    void productionRunsPostgresFromCloudNativePgOnly() {
        List<JsonNode> production = render(PRODUCTION);
        assertEquals(List.of(), kind(production, "StatefulSet"), "no development database");
        assertEquals(3, named(production, "Cluster", "signup-db").path("spec").path("instances").asInt());
        assertEquals("signup-db", named(production, "Pooler", "signup-db-pooler-rw").path("spec").path("cluster")
                .path("name").asText());
        kind(production, "Cluster").forEach(c -> assertEquals(List.of(), CrdSchemas.violations(c)));
        kind(production, "Pooler").forEach(p -> assertEquals(List.of(), CrdSchemas.violations(p)));
        JsonNode migrate = PodTemplates.of(kind(production, "Job")).get(0).spec();
        assertEquals("postgresql://signup-db-rw.signup.svc.cluster.local:5432/signup", PodTemplates.env(
                migrate.path("containers").get(0), "QUARKUS_DATASOURCE_REACTIVE_URL"), "DDL goes to the primary");
    }

    @Test
    void aClusterTheCrdRefusesIsCaught() throws Exception {
        JsonNode cluster = Manifests.YAML.readTree("""
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: db}
                spec:
                  instances: "3"
                  storge: {size: 1Gi}
                  primaryUpdateStrategy: sometimes
                  managed:
                    roles:
                      - {login: true}
                """);
        assertEquals(List.of("spec.instances: must be an integer, is \"3\"", "spec.storge: unknown field",
                "spec.primaryUpdateStrategy: \"sometimes\" is not one of [\"unsupervised\",\"supervised\"]",
                "spec.managed.roles[0].name: required"), CrdSchemas.violations(cluster));
    }

    @ParameterizedTest
    @ValueSource(strings = { DEFAULT, PRODUCTION })
    void everyEventTypeIsDescribedAndNoSecretIsWritten(String overlay) {
        List<JsonNode> rendered = render(overlay);
        assertEquals(SignupEvent.values().length, kind(rendered, "EventType").size());
        assertEquals(List.of(), kind(rendered, "Secret"), "Secrets are the user's (make dev-secrets for placeholders)");
    }

    // Helpers

    private static int setting(List<String> args, String name) {
        return args.stream().filter(arg -> arg.startsWith(name + "=")).map(arg -> arg.substring(name.length() + 1))
                .mapToInt(Integer::parseInt).findFirst().orElseThrow(() -> new AssertionError(name + " is set"));
    }

    private static String selector(JsonNode podSelector) {
        List<String> labels = new ArrayList<>();
        podSelector.path("matchLabels").fields().forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue()
                .asText()));
        return String.join(",", labels);
    }

    /** Who a policy's ingress rules let in, as label selectors ("namespace ..." for a namespaceSelector). */
    private static List<String> peers(JsonNode policy) {
        List<String> peers = new ArrayList<>();
        for (JsonNode rule : policy.path("spec").path("ingress")) {
            assertFalse(rule.path("from").isEmpty(), "an ingress rule without from lets everyone in");
            for (JsonNode peer : rule.path("from")) {
                assertFalse(peer.has("ipBlock"), "no address ranges");
                String peerText = peer.has("namespaceSelector") ? "namespace " + selector(peer.path("namespaceSelector"))
                        : selector(peer.path("podSelector"));
                if (!peers.contains(peerText)) {
                    peers.add(peerText);
                }
            }
        }
        return peers;
    }

    static long mebibytes(String quantity) {
        Map<String, Long> units = Map.of("Ki", 1L, "Mi", 1024L, "Gi", 1024L * 1024);
        for (Map.Entry<String, Long> unit : units.entrySet()) {
            if (quantity.endsWith(unit.getKey())) {
                return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * unit.getValue() / 1024;
            }
        }
        return quantity.isEmpty() ? -1 : Long.parseLong(quantity) / (1024 * 1024);
    }
}
