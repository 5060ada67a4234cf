package io.signup.manifests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** The manifests in k8s/, knative/, monitoring/ and the production overlay, each parsed into its fabric8 type. */
final class Manifests {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Every folder of manifests: the base, the development Secrets, the production overlay's own resources. */
    static final List<String> FOLDERS = List.of("k8s", "k8s/dev-secrets", "knative", "production/k8s",
            "production/knative", "monitoring");

    /** apiVersion + kind → typed class. A kind missing here is an unexpected resource and fails the parse. */
    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.ofEntries(
            Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
            Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
            Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
            Map.entry("v1/ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class),
            Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
            Map.entry("apps/v1/StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
            Map.entry("batch/v1/Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            // Custom resources of operators: checked against their pinned CRD schema (CrdSchemas).
            Map.entry("postgresql.cnpg.io/v1/Cluster", io.fabric8.kubernetes.api.model.GenericKubernetesResource.class),
            Map.entry("postgresql.cnpg.io/v1/Pooler", io.fabric8.kubernetes.api.model.GenericKubernetesResource.class),
            Map.entry("monitoring.coreos.com/v1/PodMonitor", io.fabric8.kubernetes.api.model.GenericKubernetesResource.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", io.fabric8.kubernetes.api.model.GenericKubernetesResource.class),
            Map.entry("eventing.knative.dev/v1alpha1/EventPolicy", io.fabric8.kubernetes.api.model.GenericKubernetesResource.class),
            Map.entry("serving.knative.dev/v1/Service", io.fabric8.knative.serving.v1.Service.class),
            Map.entry("eventing.knative.dev/v1/Broker", io.fabric8.knative.eventing.v1.Broker.class),
            Map.entry("eventing.knative.dev/v1/Trigger", io.fabric8.knative.eventing.v1.Trigger.class),
            Map.entry("sources.knative.dev/v1/SinkBinding", io.fabric8.knative.sources.v1.SinkBinding.class),
            Map.entry("sources.knative.dev/v1/PingSource", io.fabric8.knative.sources.v1.PingSource.class),
            Map.entry("eventing.knative.dev/v1beta3/EventType", io.fabric8.knative.eventing.v1beta3.EventType.class));

    /** One parsed file. */
    record Manifest(Path file, HasMetadata resource) {
        String kind() {
            return resource.getKind();
        }

        String name() {
            return resource.getMetadata().getName();
        }
    }

    private Manifests() {
    }

    static Path root() {
        return Path.of(System.getProperty("signup.root", "..")).toAbsolutePath().normalize();
    }

    static List<Path> files(String folder) {
        try (Stream<Path> files = Files.list(root().resolve(folder))) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Manifest> all() {
        List<Manifest> manifests = new ArrayList<>();
        for (String folder : FOLDERS) {
            for (Path file : files(folder)) {
                manifests.add(new Manifest(file, parse(read(file))));
            }
        }
        return manifests;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses one YAML document into its typed resource. */
    static HasMetadata parse(String yaml) {
        try {
            JsonNode tree = YAML.readTree(yaml);
            String key = tree.path("apiVersion").asText() + "/" + tree.path("kind").asText();
            Class<? extends HasMetadata> type = TYPES.get(key);
            if (type == null) {
                throw new IllegalArgumentException("unexpected resource type " + key);
            }
            return YAML.treeToValue(tree, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a cluster would refuse or silently drop in one manifest: fields its typed model does not know, or, for a
     * custom resource, what its CRD schema does not allow.
     */
    static List<String> problems(String yaml) {
        try {
            JsonNode tree = YAML.readTree(yaml);
            return CrdSchemas.covers(tree) ? CrdSchemas.violations(tree) : unknownFields(parse(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fields the typed model does not know, with their paths. fabric8 keeps them in additionalProperties instead of
     * failing, as a cluster would silently drop them: a typo such as {@code filtr:} shows up here.
     */
    static List<String> unknownFields(Object resource) {
        List<String> unknown = new ArrayList<>();
        collectUnknown(resource, resource.getClass().getSimpleName(), unknown);
        return unknown;
    }

    private static void collectUnknown(Object node, String path, List<String> unknown) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> collectUnknown(value, path + "." + key, unknown));
            return;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            if (field.equals("additionalProperties")) {
                ((Map<?, ?>) value).keySet().forEach(key -> unknown.add(path + "." + key));
            } else {
                collectUnknown(value, path + "." + field, unknown);
            }
        }
    }
}
