package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code kubectl apply -k} works: each kustomization lists every file of its folder and renders. */
class KustomizeTest {

    @ParameterizedTest
    @ValueSource(strings = { "k8s", "k8s/dev-secrets", "knative", "production/k8s", "production/knative", "monitoring" })
    void kustomizationListsEveryManifestOfItsFolder(String folder) throws IOException {
        JsonNode kustomization = Manifests.YAML.readTree(Manifests.root().resolve(folder).resolve("kustomization.yaml").toFile());
        List<String> listed = StreamSupport.stream(kustomization.path("resources").spliterator(), false)
                .map(JsonNode::asText).filter(resource -> !resource.startsWith("../")).toList();
        assertEquals(Manifests.files(folder).stream().map(p -> p.getFileName().toString()).toList(), listed);
    }

    @ParameterizedTest
    @ValueSource(strings = { "k8s", "k8s/dev-secrets", "knative" })
    void eachBaseFolderRendersEveryResourceItHolds(String folder) {
        assertEquals(Manifests.files(folder).size(), Renders.of(folder).size());
    }

    @Test
    void monitoringRendersItsResourcesAndTheDashboardForGrafanasSidecar() throws IOException {
        List<JsonNode> rendered = Renders.of("monitoring");
        assertEquals(Manifests.files("monitoring").size() + 1, rendered.size(), "and the dashboard's ConfigMap");
        JsonNode dashboard = rendered.stream().filter(doc -> doc.path("kind").asText().equals("ConfigMap"))
                .findFirst().orElseThrow();
        assertEquals("1", dashboard.path("metadata").path("labels").path("grafana_dashboard").asText());
        JsonNode json = Manifests.YAML.readTree(dashboard.path("data").path("signup-functions.json").asText());
        assertEquals("signup-functions", json.path("uid").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = { "production/k8s", "production/knative" })
    void theProductionOverlayRendersItsBaseWithoutTheDevelopmentDatabase(String folder) {
        String base = folder.substring("production/".length());
        int removed = folder.equals("production/k8s") ? 3 : 0; // StatefulSet, Service and NetworkPolicy postgres
        assertEquals(Manifests.files(base).size() - removed + Manifests.files(folder).size(),
                Renders.of(folder).size());
        assertEquals(Renders.of("production/k8s").size() + Renders.of("production/knative").size(),
                Renders.of("production").size(), "production/ renders both parts");
    }
}
