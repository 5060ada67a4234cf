package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1beta3.EventType;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1.SinkBinding;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.signup.http.SuppressionConfig;
import io.signup.metrics.ClusterOnlyEndpoints;
import io.smallrye.config.ConfigMapping;
import io.signup.contract.SignupEvent;
import io.signup.manifests.Manifests.Manifest;
import io.signup.saveemail.function.SaveEmailFunctions;
import io.signup.sendemail.function.SendEmailFunctions;

/** The manifests say what the code does: same event type, same function for the ping, same variable names. */
class CodeConsistencyTest {

    /** What a Knative PingSource always sends; fixed by Knative, not by us. */
    private static final String PING_SOURCE_EVENT_TYPE = "dev.knative.sources.ping";

    private final List<Manifest> manifests = Manifests.all();

    @Test
    void everyEventTypeHasOneTriggerToAFunctionOfSendEmailFnMappedToIt() {
        Map<String, Trigger> byType = new HashMap<>();
        manifests.stream().map(Manifest::resource).filter(Trigger.class::isInstance).map(Trigger.class::cast)
                .forEach(trigger -> assertNull(byType.put(trigger.getSpec().getFilter().getAttributes().get("type"),
                        trigger), "one Trigger per type"));
        Set<String> mapped = Arrays.stream(SendEmailFunctions.class.getMethods())
                .map(method -> method.getAnnotation(CloudEventMapping.class)).filter(Objects::nonNull)
                .map(CloudEventMapping::trigger).collect(Collectors.toSet());
        for (SignupEvent event : Arrays.stream(SignupEvent.values()).filter(SignupEvent::triggered).toList()) {
            Trigger trigger = byType.remove(event.type());
            assertNotNull(trigger, "a Trigger for " + event.type());
            assertEquals("send-email-fn", trigger.getSpec().getSubscriber().getRef().getName());
            assertTrue(mapped.contains(event.type()), "send-email-fn has a function for " + event.type());
        }
        assertEquals(Map.of(), byType, "no Trigger for a type nobody emits");
    }

    @Test
    void everyEventTypeWeEmitIsDescribedWithItsTypeSourceAndSchema() {
        Map<String, Map<String, String>> described = new HashMap<>();
        manifests.stream().map(Manifest::resource).filter(EventType.class::isInstance).map(EventType.class::cast)
                .forEach(eventType -> {
                    assertEquals("signup", eventType.getSpec().getReference().getName(), "on our Broker");
                    Map<String, String> attributes = new HashMap<>();
                    eventType.getSpec().getAttributes().stream().filter(a -> a.getValue() != null)
                            .forEach(a -> attributes.put(a.getName(), a.getValue()));
                    described.put(attributes.get("type"), attributes);
                });
        assertEquals(Arrays.stream(SignupEvent.values()).map(SignupEvent::type).collect(Collectors.toSet()),
                described.keySet(), "one EventType per type, and none for a type nobody emits");
        for (SignupEvent event : SignupEvent.values()) {
            Map<String, String> attributes = described.get(event.type());
            assertEquals(SignupEvent.SOURCE, attributes.get("source"));
            assertEquals(event.dataSchema().toString(), attributes.get("dataschema"));
            assertEquals(SignupEvent.DATA_CONTENT_TYPE, attributes.get("datacontenttype"));
        }
    }

    @Test
    void thePingSourceEventReachesTheRepublishFunction() throws Exception {
        PingSource ping = only(PingSource.class);
        assertEquals("save-email-fn", ping.getSpec().getSink().getRef().getName());
        assertEquals("application/json", ping.getSpec().getContentType());
        assertTrue(Manifests.YAML.readTree(ping.getSpec().getData()).isObject(), "data is a JSON object");
        CloudEventMapping mapping = SaveEmailFunctions.class.getMethod("republishOutbox", SaveEmailFunctions.Ping.class)
                .getAnnotation(CloudEventMapping.class);
        assertEquals(PING_SOURCE_EVENT_TYPE, mapping.trigger(), "Funqy routes the ping's type to republishOutbox");
    }

    @Test
    void eachSinkBindingFeedsAFunctionThatReadsKSinkAndBothPublishersHaveOne() {
        List<String> subjects = manifests.stream().map(Manifest::resource).filter(SinkBinding.class::isInstance)
                .map(binding -> ((SinkBinding) binding).getSpec().getSubject().getName()).sorted().toList();
        assertEquals(List.of("save-email-fn", "send-email-fn"), subjects, "the outbox and the dead-letter replay");
        subjects.forEach(subject -> assertTrue(readableVariables(subject).contains("K_SINK"), subject));
    }

    @Test
    void everyVariableAManifestSetsIsOneTheFunctionReads() {
        assertEquals(List.of(), unknownVariables(manifests));
    }

    @Test
    void aVariableNoFunctionReadsIsCaught() {
        Manifest broken = new Manifest(Path.of("99-broken.yaml"), Manifests.parse("""
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata: {name: save-email-fn, namespace: signup}
                spec:
                  template:
                    spec:
                      containers:
                        - image: signup/save-email-fn
                          env:
                            - {name: QUARKUS_DATASOURCE_REACTIVE_URL, value: postgresql://db/signup}
                            - {name: QUARKUS_DATASOURCE_REACTVE_URL, value: postgresql://db/signup}
                """));
        assertEquals(List.of("99-broken.yaml: save-email-fn does not read QUARKUS_DATASOURCE_REACTVE_URL"),
                unknownVariables(List.of(broken)));
    }

    private List<String> unknownVariables(List<Manifest> checked) {
        List<String> unknown = new ArrayList<>();
        for (Manifest m : checked) {
            for (Container container : Containers.of(m.resource())) {
                if (!container.getImage().startsWith("signup/")) {
                    continue; // not one of our functions
                }
                String module = container.getImage().substring("signup/".length());
                Set<String> readable = new LinkedHashSet<>(readableVariables(module));
                readable.addAll(namedTlsVariables(readable, container));
                for (String variable : variables(container)) {
                    if (!readable.contains(variable)) {
                        unknown.add(m.file().getFileName() + ": " + module + " does not read " + variable);
                    }
                }
            }
        }
        return unknown;
    }

    private Set<String> variables(Container container) {
        Set<String> names = new LinkedHashSet<>();
        if (container.getEnv() != null) {
            container.getEnv().forEach(env -> names.add(env.getName()));
        }
        if (container.getEnvFrom() != null) {
            container.getEnvFrom().forEach(source -> manifests.stream()
                    .filter(m -> (source.getConfigMapRef() != null && m.resource() instanceof ConfigMap
                            && m.name().equals(source.getConfigMapRef().getName()))
                            || (source.getSecretRef() != null && m.resource() instanceof Secret
                                    && m.name().equals(source.getSecretRef().getName())))
                    .forEach(m -> names.addAll(ReferencesTest.dataKeys(m.resource()))));
        }
        return names;
    }

    /**
     * The environment variables a function reads, from its code rather than its docs: its application.properties
     * keys in env form, the variables those properties reference ({@code ${K_SINK}}), and the keys of its
     * {@code @ConfigMapping} interfaces (with their defaults, so absent from the properties).
     */
    /**
     * Quarkus OIDC reaches its issuer over a TLS configuration chosen by name, which lives in Quarkus's TLS registry
     * ({@code quarkus.tls.<name>.*}): a function that verifies tokens reads the name, and the trust store of the name
     * its container chooses. Not set in application.properties, since the CA file exists only in the pod.
     */
    private static Set<String> namedTlsVariables(Set<String> readable, Container container) {
        if (!readable.contains("QUARKUS_OIDC_AUTH_SERVER_URL")) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>(Set.of("QUARKUS_OIDC_TLS_TLS_CONFIGURATION_NAME"));
        container.getEnv().stream().filter(env -> env.getName().equals("QUARKUS_OIDC_TLS_TLS_CONFIGURATION_NAME"))
                .forEach(env -> names.add("QUARKUS_TLS_" + env.getValue().toUpperCase(java.util.Locale.ROOT)
                        + "_TRUST_STORE_PEM_CERTS"));
        return names;
    }

    static Set<String> readableVariables(String module) {
        Path root = Manifests.root().resolve(module);
        Set<String> names = new LinkedHashSet<>();
        for (String line : Manifests.read(root.resolve("src/main/resources/application.properties")).split("\n")) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("%") || !line.contains("=")) {
                continue;
            }
            String key = line.substring(0, line.indexOf('='));
            if (!key.contains("\"")) {
                names.add(envName(key));
            }
            Matcher reference = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(line);
            while (reference.find()) {
                names.add(reference.group(1));
            }
        }
        List<Class<?>> mappings = new ArrayList<>(configMappings(root));
        mappings.add(ClusterOnlyEndpoints.Config.class); // function-metrics, in every function
        if (Manifests.read(root.resolve("pom.xml")).contains("<artifactId>function-http</artifactId>")) {
            mappings.add(SuppressionConfig.class); // function-http's, in the functions that write the list
        }
        for (Class<?> mapping : mappings) {
            mappingKeys(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, names);
        }
        return names;
    }

    /** The @ConfigMapping interfaces in a module's sources. */
    private static List<Class<?>> configMappings(Path module) {
        try (Stream<Path> sources = Files.walk(module.resolve("src/main/java"))) {
            List<Class<?>> found = new ArrayList<>();
            for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (Files.readString(source).contains("@ConfigMapping(")) {
                    String name = module.resolve("src/main/java").relativize(source).toString()
                            .replace(".java", "").replace('/', '.');
                    found.add(Class.forName(name));
                }
            }
            return found;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each leaf of a mapping as its env name: nested groups recurse, Optional/List/Duration/... are leaves. */
    private static void mappingKeys(String prefix, Class<?> group, Set<String> names) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String key = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            Class<?> type = method.getReturnType();
            if (type.isInterface() && !type.getName().startsWith("java.")) {
                mappingKeys(key, type, names);
            } else {
                names.add(envName(key));
            }
        }
    }

    private static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    private <T> T only(Class<T> type) {
        List<T> found = manifests.stream().map(Manifest::resource).filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), type.getSimpleName());
        return found.get(0);
    }
}
