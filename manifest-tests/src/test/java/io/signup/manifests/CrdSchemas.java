package io.signup.manifests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Custom resources checked against their CRD's OpenAPI schema, as the API server does, from CRDs pinned in
 * src/test/resources/crds (CloudNativePG 1.30.0, Prometheus Operator 0.93.0). Strict like the typed parse of the other manifests: a field the
 * schema does not declare fails (the server would prune it silently), and so do a wrong type, a value outside an enum
 * or bounds, a missing required field. The CEL rules (x-kubernetes-validations) are not evaluated.
 */
final class CrdSchemas {

    /** apiVersion/kind of the custom resources we write → the pinned CRD that defines them. */
    static final Map<String, String> CRDS = Map.of(
            "postgresql.cnpg.io/v1/Cluster", "crds/postgresql.cnpg.io_clusters.yaml",
            "postgresql.cnpg.io/v1/Pooler", "crds/postgresql.cnpg.io_poolers.yaml",
            "monitoring.coreos.com/v1/PodMonitor", "crds/monitoring.coreos.com_podmonitors.yaml",
            "monitoring.coreos.com/v1/PrometheusRule", "crds/monitoring.coreos.com_prometheusrules.yaml",
            // knative/eventing at knative-v1.22.2, config/core/resources/eventpolicy.yaml
            "eventing.knative.dev/v1alpha1/EventPolicy", "crds/eventing.knative.dev_eventpolicies.yaml");
    private static final Set<String> OBJECT_META = Set.of("name", "namespace", "labels", "annotations");

    private CrdSchemas() {
    }

    static boolean covers(JsonNode resource) {
        return CRDS.containsKey(key(resource));
    }

    /** What the API server would refuse or drop in {@code resource}. */
    static List<String> violations(JsonNode resource) {
        JsonNode schema = schema(key(resource), resource.path("apiVersion").asText().replaceAll(".*/", ""));
        List<String> violations = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = resource.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            switch (field.getKey()) {
                case "apiVersion", "kind" -> { }
                case "metadata" -> field.getValue().fieldNames().forEachRemaining(name -> {
                    if (!OBJECT_META.contains(name)) {
                        violations.add("metadata." + name + ": not expected in a manifest");
                    }
                });
                default -> check(field.getValue(), schema.path("properties").path(field.getKey()), field.getKey(),
                        violations);
            }
        }
        schema.path("required").forEach(required -> {
            if (!resource.has(required.asText())) {
                violations.add(required.asText() + ": required");
            }
        });
        return violations;
    }

    private static void check(JsonNode value, JsonNode schema, String path, List<String> violations) {
        if (schema.isMissingNode()) {
            violations.add(path + ": unknown field");
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!value.isInt() && !value.isTextual()) {
                violations.add(path + ": must be an integer or a string");
            }
            return;
        }
        String type = schema.path("type").asText();
        boolean typed = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!typed) {
            violations.add(path + ": must be " + (type.equals("integer") ? "an integer" : "a " + type) + ", is "
                    + value);
            return;
        }
        if (schema.has("enum") && !contains(schema.path("enum"), value)) {
            violations.add(path + ": " + value + " is not one of " + schema.path("enum"));
        }
        if (schema.has("minimum") && value.isNumber() && value.asDouble() < schema.path("minimum").asDouble()) {
            violations.add(path + ": " + value + " is below the minimum " + schema.path("minimum"));
        }
        if (schema.has("maximum") && value.isNumber() && value.asDouble() > schema.path("maximum").asDouble()) {
            violations.add(path + ": " + value + " is above the maximum " + schema.path("maximum"));
        }
        // Like the API server (ECMA-262): the pattern matches anywhere unless it is anchored.
        if (schema.has("pattern") && value.isTextual()
                && !Pattern.compile(schema.path("pattern").asText()).matcher(value.asText()).find()) {
            violations.add(path + ": " + value + " does not match " + schema.path("pattern"));
        }
        if (value.isArray()) {
            int i = 0;
            for (JsonNode item : value) {
                check(item, schema.path("items"), path + "[" + i++ + "]", violations);
            }
        } else if (value.isObject()) {
            checkObject(value, schema, path, violations);
        }
    }

    private static void checkObject(JsonNode value, JsonNode schema, String path, List<String> violations) {
        boolean open = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
        value.fields().forEachRemaining(field -> {
            String at = path + "." + field.getKey();
            if (schema.path("properties").has(field.getKey())) {
                check(field.getValue(), schema.path("properties").path(field.getKey()), at, violations);
            } else if (schema.path("additionalProperties").isObject()) {
                check(field.getValue(), schema.path("additionalProperties"), at, violations);
            } else if (!open) {
                violations.add(at + ": unknown field");
            }
        });
        schema.path("required").forEach(required -> {
            if (!value.has(required.asText())) {
                violations.add(path + "." + required.asText() + ": required");
            }
        });
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode candidate : values) {
            if (candidate.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String key(JsonNode resource) {
        return resource.path("apiVersion").asText() + "/" + resource.path("kind").asText();
    }

    private static JsonNode schema(String key, String version) {
        String file = CRDS.get(key);
        try (InputStream in = CrdSchemas.class.getClassLoader().getResourceAsStream(file)) {
            JsonNode crd = Manifests.YAML.readTree(in);
            for (JsonNode served : crd.path("spec").path("versions")) {
                if (served.path("name").asText().equals(version)) {
                    return served.path("schema").path("openAPIV3Schema");
                }
            }
            throw new IllegalArgumentException(file + " has no version " + version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
