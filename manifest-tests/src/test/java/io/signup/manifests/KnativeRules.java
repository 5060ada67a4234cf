package io.signup.manifests;

import java.time.Duration;
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
    static final String KPA = "kpa.autoscaling.knative.dev";
    static final String HPA = "hpa.autoscaling.knative.dev";
    /** Set by Knative itself in every revision; a Service may not define them. */
    static final Set<String> RESERVED_ENV = Set.of("PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION");
    /** Used by the queue-proxy sidecar (8012, 8013, 8022, 9090, 9091) and its profiling endpoint (8008). */
    static final Set<Integer> RESERVED_PORTS = Set.of(8008, 8012, 8013, 8022, 9090, 9091);
    /** The stable window's bounds (autoscaling.WindowMin, WindowMax). */
    static final Duration WINDOW_MIN = Duration.ofSeconds(6);
    static final Duration WINDOW_MAX = Duration.ofHours(1);
    /**
     * The per-revision annotations Knative reads, with the value each accepts (annotation_validation.go). A key
     * Knative does not know is accepted and ignored by the webhook: here it fails, as it is most likely a typo.
     */
    private static final Map<String, Predicate<String>> AUTOSCALING_VALUES = Map.ofEntries(
            Map.entry("min-scale", KnativeRules::isIntAtLeastZero),
            Map.entry("max-scale", KnativeRules::isIntAtLeastZero),
            Map.entry("activation-scale", value -> isInt(value) && Integer.parseInt(value) >= 2),
            Map.entry("target", value -> isNumber(value) && Double.parseDouble(value) >= 0.01),
            Map.entry("target-utilization-percentage", value -> isNumber(value)
                    && Double.parseDouble(value) >= 1 && Double.parseDouble(value) <= 100),
            Map.entry("target-burst-capacity", value -> value.equals("-1") || isNumber(value)),
            Map.entry("panic-window-percentage", value -> isNumber(value)
                    && Double.parseDouble(value) >= 1 && Double.parseDouble(value) <= 100),
            Map.entry("panic-threshold-percentage", value -> isNumber(value)
                    && Double.parseDouble(value) >= 110 && Double.parseDouble(value) <= 1000),
            Map.entry("metric", value -> !value.isEmpty()),
            Map.entry("metric-aggregation-algorithm", Set.of("linear", "weighted-exponential",
                    "weightedExponential")::contains),
            Map.entry("class", value -> !value.endsWith(".knative.dev") || value.equals(KPA) || value.equals(HPA)),
            Map.entry("window", value -> duration(value) != null && !duration(value).isNegative()),
            Map.entry("scale-down-delay", value -> duration(value) != null && !duration(value).isNegative()
                    && duration(value).compareTo(WINDOW_MAX) <= 0),
            Map.entry("scale-to-zero-pod-retention-period", value -> duration(value) != null
                    && !duration(value).isNegative() && duration(value).compareTo(WINDOW_MAX) <= 0),
            // 0 only where the cluster sets allow-zero-initial-scale, which is false unless changed.
            Map.entry("initial-scale", value -> isInt(value) && Integer.parseInt(value) >= 1));
    /** The older camelCase names Knative still reads as the same key (kmap.KeyPriority). */
    private static final Map<String, String> ALIASES = Map.of(
            "minScale", "min-scale", "maxScale", "max-scale", "initialScale", "initial-scale",
            "targetUtilizationPercentage", "target-utilization-percentage",
            "targetBurstCapacity", "target-burst-capacity", "panicWindowPercentage", "panic-window-percentage",
            "panicThresholdPercentage", "panic-threshold-percentage", "scaleDownDelay", "scale-down-delay",
            "scaleToZeroPodRetentionPeriod", "scale-to-zero-pod-retention-period",
            "metricAggregationAlgorithm", "metric-aggregation-algorithm");
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
            autoscaling(name, annotations, violations);
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
            readinessProbe(name, container.getReadinessProbe(), violations);
        }
        return violations;
    }

    private static void autoscaling(String name, Map<String, String> annotations, List<String> violations) {
        Map<String, String> values = new java.util.HashMap<>();
        annotations.forEach((key, value) -> {
            if (!key.startsWith(AUTOSCALING)) {
                return;
            }
            String shortKey = key.substring(AUTOSCALING.length());
            String canonical = ALIASES.getOrDefault(shortKey, shortKey);
            Predicate<String> valid = AUTOSCALING_VALUES.get(canonical);
            if (valid == null) {
                violations.add(name + ": unknown annotation " + key);
            } else if (values.put(canonical, value) != null) {
                violations.add(name + ": " + canonical + " is set twice (once by its old name)");
            } else if (!valid.test(value)) {
                violations.add(name + ": " + key + " out of range: " + value);
            }
        });
        String min = values.get("min-scale");
        String max = values.get("max-scale");
        if (isInt(min) && isInt(max) && Integer.parseInt(max) > 0 && Integer.parseInt(max) < Integer.parseInt(min)) {
            violations.add(name + ": max-scale " + max + " is below min-scale " + min);
        }
        Duration window = values.containsKey("window") ? duration(values.get("window")) : null;
        if (window != null && (window.compareTo(WINDOW_MIN) < 0 || window.compareTo(WINDOW_MAX) > 0)) {
            violations.add(name + ": window " + values.get("window") + " is outside 6s..1h");
        } else if (window != null && window.toMillis() % 1000 != 0) {
            violations.add(name + ": window " + values.get("window") + " must be whole seconds");
        }
        // The KPA scales on concurrency or rps only; cpu and memory need the HPA class.
        String metric = values.get("metric");
        if (metric != null && values.getOrDefault("class", KPA).equals(KPA) && !Set.of("concurrency", "rps")
                .contains(metric)) {
            violations.add(name + ": metric " + metric + " needs class " + HPA);
        }
    }

    /** Knative's readiness probe rules, after its defaulting (revision_defaults.go, k8s_validation.go). */
    private static void readinessProbe(String name, Probe probe, List<String> violations) {
        if (probe == null) {
            return;
        }
        int period = probe.getPeriodSeconds() == null ? 0 : probe.getPeriodSeconds();
        if (period < 0) {
            violations.add(name + ": readiness periodSeconds must be >= 0");
        } else if (period == 0) {
            // 0 (or unset) is Knative's own aggressive probing, which takes no threshold or timeout.
            if (positive(probe.getFailureThreshold()) || positive(probe.getTimeoutSeconds())) {
                violations.add(name + ": readiness failureThreshold and timeoutSeconds need periodSeconds > 0");
            }
        } else if (negative(probe.getTimeoutSeconds()) || negative(probe.getFailureThreshold())) {
            violations.add(name + ": readiness timeoutSeconds and failureThreshold must be >= 1");
        }
        if (probe.getSuccessThreshold() != null && probe.getSuccessThreshold() < 1) {
            violations.add(name + ": readiness successThreshold must be >= 1");
        }
    }

    private static boolean positive(Integer value) {
        return value != null && value > 0;
    }

    private static boolean negative(Integer value) {
        return value != null && value < 0;
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

    private static boolean isIntAtLeastZero(String value) {
        return isInt(value) && Integer.parseInt(value) >= 0;
    }

    /** A Go duration as Knative parses it ({@code 60s}, {@code 1m30s}, {@code 1h}), or null. */
    static Duration duration(String value) {
        java.util.regex.Matcher part = Pattern.compile("(\\d+)(ms|h|m|s)").matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
            });
            end = part.end();
        }
        return end == value.length() && end > 0 ? total : null;
    }

    private static boolean isInt(String value) {
        return value != null && value.matches("\\d+");
    }

    private static boolean isNumber(String value) {
        return value != null && value.matches("\\d+(\\.\\d+)?");
    }
}
