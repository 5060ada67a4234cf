package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.signup.manifests.Manifests.Manifest;

/** Every manifest parses into its type with no unknown field, and passes Knative's admission rules. */
class ManifestRulesTest {

    static List<Path> manifestFiles() {
        return Manifests.FOLDERS.stream().filter(folder -> !folder.endsWith("dev-secrets"))
                .flatMap(folder -> Manifests.files(folder).stream()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifestFiles")
    void parsesIntoItsTypeWithNoUnknownField(Path file) {
        String yaml = Manifests.read(file);
        assertTrue(Pattern.compile("^\\d{2}-[a-z0-9.-]+\\.yaml$").matcher(file.getFileName().toString()).matches(),
                "numeric prefix for apply order: " + file.getFileName());
        assertTrue(yaml.startsWith("#"), "starts with a comment saying what it is: " + file.getFileName());
        assertEquals(1, yaml.split("(?m)^---\\s*$").length, "one resource per file: " + file.getFileName());
        assertEquals(List.of(), Manifests.problems(yaml));
    }

    @Test
    void knativeServicesPassTheServingWebhookRules() {
        List<Manifest> services = Manifests.all().stream().filter(m -> m.resource() instanceof Service).toList();
        assertEquals(3, services.size(), "the three functions");
        services.forEach(m -> assertEquals(List.of(), KnativeRules.service((Service) m.resource()), m.file().toString()));
    }

    @Test
    void triggersPassTheEventingWebhookRules() {
        List<Manifest> triggers = Manifests.all().stream().filter(m -> m.resource() instanceof Trigger).toList();
        assertEquals(java.util.Arrays.stream(io.signup.contract.SignupEvent.values())
                .filter(io.signup.contract.SignupEvent::triggered).count(), triggers.size(), "one per consumed type");
        triggers.forEach(m -> assertEquals(List.of(), KnativeRules.trigger((Trigger) m.resource()), m.file().toString()));
    }

    @Test
    void everyNamespacedResourceIsInTheProjectNamespace() {
        List<Manifest> all = Manifests.all();
        String namespace = all.stream().filter(m -> m.kind().equals("Namespace")).findFirst().orElseThrow().name();
        all.stream().filter(m -> !m.kind().equals("Namespace"))
                .forEach(m -> assertEquals(namespace, m.resource().getMetadata().getNamespace(), m.file().toString()));
    }

    // The checks above can fail: each rule is shown catching the mistake it exists for.

    @Test
    void aTypoInAFieldNameIsCaught() {
        Trigger typo = (Trigger) Manifests.parse("""
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: t, namespace: signup}
                spec:
                  broker: signup
                  filtr:
                    attributes: {type: io.signup.subscription.confirmed.v1}
                  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: send-email-fn}}
                """);
        assertEquals(List.of("Trigger.spec.filtr"), Manifests.unknownFields(typo));
    }

    @Test
    void misplacedOrOutOfRangeAutoscalingAndReservedNamesAreCaught() {
        Service bad = (Service) Manifests.parse("""
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata:
                  name: bad
                  namespace: signup
                  annotations: {autoscaling.knative.dev/min-scale: "1"}
                spec:
                  template:
                    metadata:
                      name: bad-rev1
                      annotations:
                        autoscaling.knative.dev/min-scale: "3"
                        autoscaling.knative.dev/max-scale: "2"
                        autoscaling.knative.dev/target: "-1"
                        autoscaling.knative.dev/minScale: "1"
                        autoscaling.knative.dev/initial-scale: "0"
                        autoscaling.knative.dev/window: "2s"
                        autoscaling.knative.dev/metric: cpu
                        autoscaling.knative.dev/min-sacle: "0"
                    spec:
                      containers:
                        - image: x
                          ports: [{containerPort: 8008}, {containerPort: 8081}]
                          env: [{name: PORT, value: "1"}, {name: K_SERVICE, value: x}]
                          readinessProbe:
                            httpGet: {path: /q/health/ready}
                            failureThreshold: 3
                """);
        assertEquals(Set.of(
                "bad: autoscaling annotations belong under spec.template.metadata.annotations",
                "bad: spec.template.metadata.name must not be set (Knative names revisions)",
                "bad: autoscaling.knative.dev/target out of range: -1",
                "bad: min-scale is set twice (once by its old name)",
                "bad: autoscaling.knative.dev/initial-scale out of range: 0",
                "bad: window 2s is outside 6s..1h",
                "bad: metric cpu needs class hpa.autoscaling.knative.dev",
                "bad: unknown annotation autoscaling.knative.dev/min-sacle",
                "bad: at most one container port",
                "bad: port 8008 is reserved by Knative",
                "bad: env PORT is reserved by Knative",
                "bad: env K_SERVICE is reserved by Knative",
                "bad: readiness failureThreshold and timeoutSeconds need periodSeconds > 0"),
                Set.copyOf(KnativeRules.service(bad)));
    }

    @Test
    void whatTheWebhookAcceptsIsNotFlagged() {
        Service fine = (Service) Manifests.parse("""
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata: {name: fine, namespace: signup}
                spec:
                  template:
                    metadata:
                      annotations:
                        autoscaling.knative.dev/maxScale: "4"
                        autoscaling.knative.dev/window: "1m30s"
                        autoscaling.knative.dev/class: hpa.autoscaling.knative.dev
                        autoscaling.knative.dev/metric: cpu
                    spec:
                      containers:
                        - image: x
                          readinessProbe:
                            httpGet: {path: /q/health/ready}
                            periodSeconds: 5
                            failureThreshold: 3
                """);
        assertEquals(List.of(), KnativeRules.service(fine));
    }

    @Test
    void uppercaseAttributesAndMixedDialectsAreCaught() {
        Trigger bad = (Trigger) Manifests.parse("""
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: bad, namespace: signup}
                spec:
                  broker: signup
                  filter:
                    attributes: {Type: x}
                  filters:
                    - exact: {type: x}
                      prefix: {source: y}
                  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: send-email-fn}}
                """);
        assertEquals(List.of(
                "bad: filter.attributes attribute 'Type' must be lowercase letters and digits",
                "bad: each filters item takes exactly one dialect, found 2"), KnativeRules.trigger(bad));
    }
}
