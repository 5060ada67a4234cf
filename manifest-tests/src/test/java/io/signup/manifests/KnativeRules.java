package io.signup.manifests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Probe;

/**
 * The checks Knative's admission webhooks make on Services and Triggers, so that a manifest they would reject (or
 * accept and silently ignore) fails the build instead of the deployment. Each returns its violations.
 */
final class KnativeRules {

    static final String AUTOSCALING = "autoscaling.knative.dev/";
    /** Set by Knative itself in every revision; a Service may not define them. */
    static final Set<String> RESERVED_ENV = Set.of("PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION");
    /** Used by the queue-proxy sidecar. */
    static final Set<Integer> RESERVED_PORTS = Set.of(8012, 8013, 8022, 9090, 9091);
    private static final Map<String, Predicate<String>> AUTOSCALING_VALUES = Map.of(
            "min-scale", value -> isInt(value) && Integer.parseInt(value) >= 0,
            "max-scale", value -> isInt(value) && Integer.parseInt(value) >= 0,
            "initial-scale", value -> isInt(value) && Integer.parseInt(value) >= 0,
            "target", value -> isNumber(value) && Double.parseDouble(value) >= 0.01,
            "target-utilization-percentage", value -> isNumber(value)
                    && Double.parseDouble(value) >= 1 && Double.parseDouble(value) <= 100,
            "metric", Set.of("concurrency", "rps", "cpu", "memory")::contains,
            "class", Set.of("kpa.autoscaling.knative.dev", "hpa.autoscaling.knative.dev")::contains,
            "window", value -> value.matches("\\d+(s|m|h)"),
            "scale-down-delay", value -> value.matches("\\d+(s|m|h)"));
    /** CloudEvents attribute names: lowercase letters and digits. */
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z0-9]{1,20}");

    private KnativeRules() {
    }

    static List<String> service(Service service) {
        List<String> violations = new ArrayList<>();
        String name = service.getMetadata().getName();
        Map<String, String> serviceAnnotations = service.getMetadata().getAnnotations();
        if (serviceAnnotations != null && serviceAnnotations.keySet().stream().anyMatch(k -> k.startsWith(AUTOSCALING))) {
            violations.add(name + ": autoscaling annotations belong under spec.template.metadata.annotations");
        }
        var template = service.getSpec().getTemplate();
        if (template.getMetadata() != null && template.getMetadata().getName() != null) {
            violations.add(name + ": spec.template.metadata.name must not be set (Knative names revisions)");
        }
        Map<String, String> annotations = template.getMetadata() == null ? null
                : template.getMetadata().getAnnotations();
        if (annotations != null) {
            annotations.forEach((key, value) -> {
                if (key.startsWith(AUTOSCALING)) {
                    Predicate<String> valid = AUTOSCALING_VALUES.get(key.substring(AUTOSCALING.length()));
                    if (valid == null) {
                        violations.add(name + ": unknown annotation " + key);
                    } else if (!valid.test(value)) {
                        violations.add(name + ": " + key + " out of range: " + value);
                    }
                }
            });
            String min = annotations.get(AUTOSCALING + "min-scale");
            String max = annotations.get(AUTOSCALING + "max-scale");
            if (isInt(min) && isInt(max) && Integer.parseInt(max) > 0 && Integer.parseInt(max) < Integer.parseInt(min)) {
                violations.add(name + ": max-scale " + max + " is below min-scale " + min);
            }
        }
        var spec = template.getSpec();
        if (spec.getContainerConcurrency() != null
                && (spec.getContainerConcurrency() < 0 || spec.getContainerConcurrency() > 1000)) {
            violations.add(name + ": containerConcurrency must be 0..1000");
        }
        if (spec.getTimeoutSeconds() != null && (spec.getTimeoutSeconds() < 1 || spec.getTimeoutSeconds() > 600)) {
            violations.add(name + ": timeoutSeconds must be 1..600");
        }
        List<ContainerPort> ports = spec.getContainers().stream()
                .flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream()).toList();
        if (ports.size() > 1) {
            violations.add(name + ": at most one container port");
        }
        ports.stream().filter(p -> RESERVED_PORTS.contains(p.getContainerPort()))
                .forEach(p -> violations.add(name + ": port " + p.getContainerPort() + " is reserved by Knative"));
        for (Container container : spec.getContainers()) {
            if (container.getEnv() != null) {
                container.getEnv().stream().filter(env -> RESERVED_ENV.contains(env.getName()))
                        .forEach(env -> violations.add(name + ": env " + env.getName() + " is reserved by Knative"));
            }
            for (Probe probe : new Probe[] { container.getReadinessProbe(), container.getLivenessProbe() }) {
                if (probe != null && probe.getHttpGet() != null && probe.getHttpGet().getPort() != null
                        && ports.stream().noneMatch(p -> probe.getHttpGet().getPort().getIntVal() != null
                                && p.getContainerPort().equals(probe.getHttpGet().getPort().getIntVal()))) {
                    violations.add(name + ": a probe port must be the container port (or left out)");
                }
            }
        }
        return violations;
    }

    static List<String> trigger(Trigger trigger) {
        List<String> violations = new ArrayList<>();
        String name = trigger.getMetadata().getName();
        if (trigger.getSpec().getBroker() == null || trigger.getSpec().getBroker().isBlank()) {
            violations.add(name + ": spec.broker is required");
        }
        if (trigger.getSpec().getFilter() != null && trigger.getSpec().getFilter().getAttributes() != null) {
            attributeNames(name, "filter.attributes", trigger.getSpec().getFilter().getAttributes(), violations);
        }
        if (trigger.getSpec().getFilters() != null) {
            trigger.getSpec().getFilters().forEach(filter -> filter(name, filter, violations));
        }
        return violations;
    }

    private static void filter(String name, SubscriptionsAPIFilter filter, List<String> violations) {
        int dialects = (filter.getExact() != null && !filter.getExact().isEmpty() ? 1 : 0)
                + (filter.getPrefix() != null && !filter.getPrefix().isEmpty() ? 1 : 0)
                + (filter.getSuffix() != null && !filter.getSuffix().isEmpty() ? 1 : 0)
                + (filter.getAll() != null && !filter.getAll().isEmpty() ? 1 : 0)
                + (filter.getAny() != null && !filter.getAny().isEmpty() ? 1 : 0)
                + (filter.getNot() != null ? 1 : 0)
                + (filter.getCesql() != null && !filter.getCesql().isBlank() ? 1 : 0);
        if (dialects != 1) {
            violations.add(name + ": each filters item takes exactly one dialect, found " + dialects);
        }
        for (Map<String, String> attributes : new Map[] { filter.getExact(), filter.getPrefix(), filter.getSuffix() }) {
            if (attributes != null) {
                attributeNames(name, "filters", attributes, violations);
            }
        }
        for (List<SubscriptionsAPIFilter> nested : List.of(
                filter.getAll() == null ? List.<SubscriptionsAPIFilter>of() : filter.getAll(),
                filter.getAny() == null ? List.<SubscriptionsAPIFilter>of() : filter.getAny())) {
            nested.forEach(inner -> filter(name, inner, violations));
        }
        if (filter.getNot() != null) {
            filter(name, filter.getNot(), violations);
        }
    }

    private static void attributeNames(String name, String where, Map<String, String> attributes,
            List<String> violations) {
        attributes.keySet().stream().filter(key -> !ATTRIBUTE_NAME.matcher(key).matches())
                .forEach(key -> violations.add(name + ": " + where + " attribute '" + key
                        + "' must be lowercase letters and digits"));
    }

    private static boolean isInt(String value) {
        return value != null && value.matches("\\d+");
    }

    private static boolean isNumber(String value) {
        return value != null && value.matches("\\d+(\\.\\d+)?");
    }
}
