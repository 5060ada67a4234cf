package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.SinkBinding;
import io.signup.contract.SignupEvent;
import io.signup.manifests.Manifests.Manifest;

/**
 * Who may send where, from the manifests: each function runs under its own ServiceAccount without an API token; the
 * production Broker takes events only from our producers' SinkBinding identities, and only our event types; the
 * cluster features those policies need are ones Knative's own config-features (knative-v1.22.2) defines, with values
 * its flags accept. EventPolicies follow Knative's validation (eventpolicy_validation.go) besides its CRD schema.
 */
class SenderIdentityTest {

    private static final String BROKER = "signup";
    /** Values Knative's feature flags parse (case-insensitive), per flag we set. */
    private static final Map<String, Set<String>> FLAG_VALUES = Map.of(
            "authentication-oidc", Set.of("enabled", "disabled"),
            "default-authorization-mode", Set.of("allow-all", "allow-same-namespace", "deny-all"));

    private final List<Manifest> manifests = Manifests.all();

    @Test
    void eachFunctionRunsUnderItsOwnServiceAccountWithNoApiToken() {
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
        }
    }

    /** Each hop into the production Broker: who may send (EventPolicy from), which events, and how it is known. */
    @Test
    void theProductionBrokerTakesOnlyOurProducersAndOnlyOurEvents() {
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
        JsonNode ours = yaml("production/knative-eventing/config-features.yaml").path("data");
        JsonNode knatives = resource("/knative/config-features.yaml").path("data");
        assertEquals("enabled", ours.path("authentication-oidc").asText(), "EventPolicies need OIDC");
        ours.fields().forEachRemaining(flag -> {
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
