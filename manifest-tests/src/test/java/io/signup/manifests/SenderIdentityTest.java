package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1.SinkBinding;
import io.signup.contract.Senders;
import io.signup.contract.SignupEvent;
import io.signup.manifests.Manifests.Manifest;

/**
 * Who may send where, from the manifests: each function runs under its own ServiceAccount without an automounted API
 * token; the Broker takes events only from our producers' SinkBinding identities, and only our event types; each hop
 * into a function names the receiver's audience, and the receiver admits exactly the senders sending it; the
 * cluster features those policies need are ones Knative's own config-features (knative-v1.22.2) defines, with values
 * its flags accept. EventPolicies follow Knative's validation (eventpolicy_validation.go) besides its CRD schema.
 */
class SenderIdentityTest {

    private static final String BROKER = "signup";
    /** Values Knative's feature flags parse (case-insensitive), per flag we set. */
    private static final Map<String, Set<String>> FLAG_VALUES = Map.of(
            "authentication-oidc", Set.of("enabled", "disabled"),
            "default-authorization-mode", Set.of("allow-all", "allow-same-namespace", "deny-all"),
            "transport-encryption", Set.of("disabled", "permissive", "strict"));
    /** Where a function's Knative Service projects its own token for the API server (signup.oidc.issuer-token-file). */
    private static final String ISSUER_TOKEN = "/var/run/secrets/tokens/kube-api";

    private final List<Manifest> manifests = Manifests.all();

    @Test
    void eachFunctionRunsUnderItsOwnServiceAccountWithNoAutomountedApiToken() {
        Map<String, ServiceAccount> accounts = manifests.stream()
                .filter(m -> m.resource() instanceof ServiceAccount)
                .collect(Collectors.toMap(Manifest::name, m -> (ServiceAccount) m.resource()));
        List<Service> functions = manifests.stream().filter(m -> m.resource() instanceof Service)
                .map(m -> (Service) m.resource()).toList();
        assertEquals(3, functions.size());
        for (Service function : functions) {
            String name = function.getMetadata().getName();
            String account = function.getSpec().getTemplate().getSpec().getServiceAccountName();
            assertEquals(name, account, name + " runs under its own ServiceAccount, never default");
            assertTrue(accounts.containsKey(account), account + " is in k8s/");
            assertEquals(Boolean.FALSE, accounts.get(account).getAutomountServiceAccountToken(),
                    account + ": no Kubernetes API token is mounted");
            assertTrue(!Boolean.TRUE.equals(function.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()),
                    name + " does not mount one back");
            // Only a function that verifies senders has a token, to read the issuer's keys, and no other volume.
            Set<String> projected = new TreeSet<>();
            function.getSpec().getTemplate().getSpec().getVolumes().forEach(volume -> volume.getProjected().getSources()
                    .forEach(source -> {
                        if (source.getServiceAccountToken() != null) {
                            projected.add(volume.getName() + "/" + source.getServiceAccountToken().getPath());
                        }
                    }));
            boolean verifies = functionConfig(name).getProperty("quarkus.oidc.auth-server-url") != null;
            assertEquals(verifies ? Set.of("kube-api/kube-api") : Set.of(), projected, name);
            if (verifies) {
                assertEquals(List.of(ISSUER_TOKEN.substring(0, ISSUER_TOKEN.lastIndexOf('/'))),
                        function.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().stream()
                                .map(mount -> mount.getMountPath()).toList(), name + ": where IssuerAccess reads it");
            }
        }
    }

    /**
     * Each hop into a function, who may send it and how the receiver knows: Knative sends a token of the sender's
     * identity for the audience the manifest names, and the receiver's Quarkus OIDC accepts only its own audience and
     * its policies only the subjects Knative derives from those resources' names.
     */
    @Test
    void eachHopIntoAFunctionNamesItsAudienceAndTheReceiverAdmitsExactlyItsSenders() {
        Map<String, Set<String>> admitted = new TreeMap<>();
        for (Manifest manifest : manifests) {
            if (manifest.resource() instanceof Trigger trigger) {
                String receiver = trigger.getSpec().getSubscriber().getRef().getName();
                assertEquals(Senders.audience(receiver), trigger.getSpec().getSubscriber().getAudience(),
                        manifest.name() + ": the audience " + receiver + " accepts");
                admitted.computeIfAbsent(receiver, k -> new TreeSet<>()).add(Senders.trigger(manifest.name()));
            } else if (manifest.resource() instanceof PingSource ping) {
                String receiver = ping.getSpec().getSink().getRef().getName();
                assertEquals(Senders.audience(receiver), ping.getSpec().getSink().getAudience(), manifest.name());
                assertTrue(allowed(receiver, "/").contains(Senders.pingSource(manifest.name())), manifest.name());
            } else if (manifest.resource() instanceof Broker broker) {
                var deadLetters = broker.getSpec().getDelivery().getDeadLetterSink();
                String receiver = deadLetters.getRef().getName();
                assertEquals(Senders.audience(receiver), deadLetters.getAudience(), "the Broker's dead letters");
                assertEquals(allowed(receiver, "/"), allowed(receiver, deadLetters.getUri()),
                        "a dead letter comes with its Trigger's identity");
            }
        }
        for (String function : List.of("save-email-fn", "send-email-fn")) {
            assertEquals(Senders.audience(function),
                    functionConfig(function).getProperty("quarkus.oidc.token.audience"),
                    function + " accepts tokens for its own audience only");
        }
        assertEquals(Map.of("send-email-fn", allowed("send-email-fn", "/")), admitted,
                "send-email-fn admits exactly the Triggers that deliver to it");
        assertEquals(Set.of(Senders.operator()), allowed("send-email-fn", "/dead-letters/replay"), "operators replay");
        assertEquals(Set.of(Senders.pingSource("republish-outbox"), Senders.operator()), allowed("save-email-fn", "/"));
    }

    /**
     * The subjects {@code function}'s policies admit for a POST to {@code path}, by Quarkus's rules: the most specific
     * path wins, and among its permissions one that names the method wins over one that names none.
     */
    private static Set<String> allowed(String function, String path) {
        java.util.Properties config = functionConfig(function);
        String best = null;
        int bestRank = -1;
        for (String key : config.stringPropertyNames()) {
            if (!key.startsWith("quarkus.http.auth.permission.") || !key.endsWith(".paths")) {
                continue;
            }
            String permission = key.substring(0, key.length() - ".paths".length());
            String methods = config.getProperty(permission + ".methods");
            if (methods != null && !Arrays.asList(methods.split(",")).contains("POST")) {
                continue;
            }
            for (String pattern : config.getProperty(key).split(",")) {
                String exact = pattern.strip();
                String prefix = exact.endsWith("/*") ? exact.substring(0, exact.length() - 1) : null;
                boolean matches = prefix != null ? path.startsWith(prefix) : exact.equals(path);
                int rank = (prefix == null ? 10_000 : prefix.length() * 10) + (methods == null ? 0 : 1);
                if (matches && rank > bestRank) {
                    best = permission;
                    bestRank = rank;
                }
            }
        }
        String policy = best == null ? null : config.getProperty(best + ".policy");
        String roles = policy == null ? null
                : config.getProperty("quarkus.http.auth.policy." + policy + ".roles-allowed");
        return roles == null ? Set.of() : Arrays.stream(roles.split(",")).map(String::strip)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static java.util.Properties functionConfig(String function) {
        java.util.Properties properties = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(Manifests.root()
                .resolve(function + "/src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** Each hop into the Broker: who may send (EventPolicy from), which events, and how it is known. */
    @Test
    void theBrokerTakesOnlyOurProducersAndOnlyOurEvents() {
        Map<String, SinkBinding> bindings = manifests.stream().filter(m -> m.resource() instanceof SinkBinding)
                .collect(Collectors.toMap(Manifest::name, m -> (SinkBinding) m.resource()));
        Map<String, String> senders = new TreeMap<>();
        for (JsonNode policy : eventPolicies()) {
            String name = policy.path("metadata").path("name").asText();
            assertEquals(List.of(), knativeValidation(policy), name);
            assertEquals(List.of(BROKER), names(policy.path("spec").path("to"), "Broker"), name + " guards the Broker");
            for (JsonNode from : policy.path("spec").path("from")) {
                JsonNode ref = from.path("ref");
                assertEquals("SinkBinding", ref.path("kind").asText(), name + ": a producer's SinkBinding identity");
                SinkBinding binding = bindings.get(ref.path("name").asText());
                assertTrue(binding != null, name + ": " + ref.path("name").asText() + " is in knative/");
                senders.put(binding.getSpec().getSubject().getName(), ref.path("name").asText());
            }
            // send-email-fn sends only replays of dead letters, so only types a Trigger delivers to it.
            boolean replays = senders.containsKey("send-email-fn") && senders.get("send-email-fn").equals(
                    policy.path("spec").path("from").path(0).path("ref").path("name").asText());
            assertEquals(contractTypes(replays), filtered(policy, "type"), name + ": the contract's types and no other");
            assertEquals(Set.of(SignupEvent.SOURCE), filtered(policy, "source"), name + ": our source only");
        }
        assertEquals(Map.of("save-email-fn", "save-email-fn-to-broker", "send-email-fn", "send-email-fn-to-broker"),
                senders, "who may send to the Broker: save-email-fn's events, send-email-fn's replays");
    }

    @Test
    void theClusterFeaturesAreKnativesOwnWithValuesItAccepts() {
        JsonNode base = yaml("knative/knative-eventing/config-features.yaml").path("data");
        JsonNode production = yaml("production/knative-eventing/config-features.yaml").path("data");
        JsonNode knatives = resource("/knative/config-features.yaml").path("data");
        assertEquals("enabled", base.path("authentication-oidc").asText(), "EventPolicies and the receivers need OIDC");
        assertEquals("strict", production.path("transport-encryption").asText(), "TLS on every hop in production");
        List<Map.Entry<String, JsonNode>> flags = new ArrayList<>();
        base.fields().forEachRemaining(flags::add);
        production.fields().forEachRemaining(flags::add);
        flags.forEach(flag -> {
            assertTrue(knatives.has(flag.getKey()), flag.getKey() + " is a flag of Knative's config-features");
            assertTrue(FLAG_VALUES.getOrDefault(flag.getKey(), Set.of())
                    .contains(flag.getValue().asText().toLowerCase(Locale.ROOT)), flag.getKey() + ": " + flag.getValue());
        });
    }

    @Test
    void knativesEventPolicyRulesCatchAMissingOrDoubleSender() throws Exception {
        JsonNode both = Manifests.YAML.readTree("""
                apiVersion: eventing.knative.dev/v1alpha1
                kind: EventPolicy
                metadata: {name: p, namespace: signup}
                spec:
                  to: [{ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: signup}}]
                  from: [{ref: {apiVersion: sources.knative.dev/v1, kind: SinkBinding, name: x}, sub: "a"}, {}]
                """);
        assertEquals(List.of("spec.from[0]: only one of ref, sub", "spec.from[1]: one of ref, sub is required"),
                knativeValidation(both));
    }

    /** What Knative's EventPolicySpec.Validate refuses, for the parts we use. */
    static List<String> knativeValidation(JsonNode policy) {
        List<String> violations = new ArrayList<>();
        JsonNode from = policy.path("spec").path("from");
        for (int i = 0; i < from.size(); i++) {
            JsonNode ref = from.get(i).path("ref");
            boolean sub = !from.get(i).path("sub").asText("").isEmpty();
            if (ref.isMissingNode() && !sub) {
                violations.add("spec.from[" + i + "]: one of ref, sub is required");
            } else if (!ref.isMissingNode() && from.get(i).has("sub")) {
                violations.add("spec.from[" + i + "]: only one of ref, sub");
            }
            missing(ref, "spec.from[" + i + "].ref", violations);
        }
        JsonNode to = policy.path("spec").path("to");
        for (int i = 0; i < to.size(); i++) {
            missing(to.get(i).path("ref"), "spec.to[" + i + "].ref", violations);
        }
        return violations;
    }

    private static void missing(JsonNode ref, String path, List<String> violations) {
        if (ref.isMissingNode()) {
            return;
        }
        for (String field : List.of("kind", "apiVersion", "name")) {
            if (ref.path(field).asText("").isEmpty()) {
                violations.add(path + "." + field + ": required");
            }
        }
    }

    private List<JsonNode> eventPolicies() {
        List<JsonNode> policies = manifests.stream().filter(m -> m.kind().equals("EventPolicy"))
                .map(m -> Manifests.YAML.valueToTree(m.resource())).map(JsonNode.class::cast).toList();
        assertEquals(2, policies.size());
        return policies;
    }

    private static List<String> names(JsonNode refs, String kind) {
        List<String> names = new ArrayList<>();
        refs.forEach(ref -> {
            assertEquals(kind, ref.path("ref").path("kind").asText());
            names.add(ref.path("ref").path("name").asText());
        });
        return names;
    }

    private static Set<String> contractTypes(boolean triggeredOnly) {
        Set<String> types = new TreeSet<>();
        for (SignupEvent event : SignupEvent.values()) {
            if (event.triggered() || !triggeredOnly) {
                types.add(event.type());
            }
        }
        return types;
    }

    /** Every value an exact filter of the policy names for {@code attribute}, at any depth. */
    private static Set<String> filtered(JsonNode policy, String attribute) {
        Set<String> values = new TreeSet<>();
        policy.path("spec").path("filters").findValues("exact").forEach(exact -> {
            if (exact.has(attribute)) {
                values.add(exact.path(attribute).asText());
            }
        });
        return values;
    }

    private static JsonNode yaml(String file) {
        return read(() -> Manifests.YAML.readTree(Manifests.root().resolve(file).toFile()));
    }

    private JsonNode resource(String path) {
        return read(() -> Manifests.YAML.readTree(getClass().getResource(path)));
    }

    private interface Read {
        JsonNode get() throws IOException;
    }

    private static JsonNode read(Read read) {
        try {
            return read.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
