package io.signup.manifests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** The pod templates of rendered workloads (Knative Services, StatefulSets, Jobs), read as plain trees. */
record PodTemplates(String owner, JsonNode template) {

    private static final Set<String> WORKLOADS = Set.of("Service", "StatefulSet", "Job", "Deployment");

    static List<PodTemplates> of(List<JsonNode> rendered) {
        List<PodTemplates> templates = new ArrayList<>();
        for (JsonNode doc : rendered) {
            JsonNode template = doc.path("spec").path("template");
            if (WORKLOADS.contains(doc.path("kind").asText()) && template.path("spec").has("containers")) {
                templates.add(new PodTemplates(doc.path("kind").asText() + "/" + doc.path("metadata").path("name")
                        .asText(), template));
            }
        }
        return templates;
    }

    JsonNode spec() {
        return template.path("spec");
    }

    String label(String key) {
        return template.path("metadata").path("labels").path(key).asText(null);
    }

    String annotation(String key) {
        return template.path("metadata").path("annotations").path(key).asText(null);
    }

    /** Init containers first, then containers. */
    List<JsonNode> containers() {
        List<JsonNode> all = new ArrayList<>();
        spec().path("initContainers").forEach(all::add);
        spec().path("containers").forEach(all::add);
        return all;
    }

    /** The literal value of {@code name} in a container's env, or null. */
    static String env(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env.path("value").asText(null);
            }
        }
        return null;
    }

    /** The Secret a container's env {@code name} comes from, or null. */
    static String secretOf(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env.path("valueFrom").path("secretKeyRef").path("name").asText(null);
            }
        }
        return null;
    }

    /**
     * What Pod Security Admission's "restricted" profile refuses in this template: each container must run as
     * non-root, without privilege escalation, with every capability dropped (NET_BIND_SERVICE may be added back)
     * and the RuntimeDefault or a Localhost seccomp profile; no host namespaces, ports or paths.
     */
    List<String> restrictedViolations() {
        List<String> violations = new ArrayList<>();
        JsonNode pod = spec().path("securityContext");
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (spec().path(host).asBoolean()) {
                violations.add(owner + ": " + host);
            }
        }
        spec().path("volumes").forEach(volume -> {
            if (volume.has("hostPath")) {
                violations.add(owner + ": hostPath volume " + volume.path("name").asText());
            }
        });
        for (JsonNode container : containers()) {
            String name = owner + "/" + container.path("name").asText(container.path("image").asText());
            JsonNode security = container.path("securityContext");
            if (!security.path("runAsNonRoot").asBoolean(pod.path("runAsNonRoot").asBoolean(false))) {
                violations.add(name + ": runAsNonRoot is not true");
            }
            if (security.path("runAsUser").asInt(pod.path("runAsUser").asInt(-1)) == 0) {
                violations.add(name + ": runs as uid 0");
            }
            if (security.path("allowPrivilegeEscalation").asBoolean(true)) {
                violations.add(name + ": allowPrivilegeEscalation is not false");
            }
            if (security.path("privileged").asBoolean(false)) {
                violations.add(name + ": privileged");
            }
            List<String> dropped = new ArrayList<>();
            security.path("capabilities").path("drop").forEach(c -> dropped.add(c.asText()));
            if (!dropped.contains("ALL")) {
                violations.add(name + ": capabilities.drop lacks ALL");
            }
            security.path("capabilities").path("add").forEach(c -> {
                if (!c.asText().equals("NET_BIND_SERVICE")) {
                    violations.add(name + ": adds capability " + c.asText());
                }
            });
            String seccomp = security.path("seccompProfile").path("type")
                    .asText(pod.path("seccompProfile").path("type").asText(""));
            if (!Set.of("RuntimeDefault", "Localhost").contains(seccomp)) {
                violations.add(name + ": seccompProfile is not RuntimeDefault");
            }
            container.path("ports").forEach(port -> {
                if (port.has("hostPort")) {
                    violations.add(name + ": hostPort");
                }
            });
        }
        return violations;
    }

    /** Memory request and limit of each container, as Kubernetes quantities (e.g. 128Mi). */
    Map<String, JsonNode> resources() {
        Map<String, JsonNode> byContainer = new java.util.LinkedHashMap<>();
        containers().forEach(c -> byContainer.put(owner + "/" + c.path("name").asText(c.path("image").asText()),
                c.path("resources")));
        return byContainer;
    }
}
