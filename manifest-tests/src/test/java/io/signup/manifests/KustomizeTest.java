package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code kubectl apply -k} works: each kustomization lists every file of its folder and renders. */
class KustomizeTest {

    @ParameterizedTest
    @ValueSource(strings = { "k8s", "k8s/dev-secrets", "knative" })
    void kustomizationListsEveryManifestOfItsFolder(String folder) throws IOException {
        JsonNode kustomization = Manifests.YAML.readTree(Manifests.root().resolve(folder).resolve("kustomization.yaml").toFile());
        List<String> listed = StreamSupport.stream(kustomization.path("resources").spliterator(), false)
                .map(JsonNode::asText).toList();
        assertEquals(Manifests.files(folder).stream().map(p -> p.getFileName().toString()).toList(), listed);
    }

    @ParameterizedTest
    @ValueSource(strings = { "k8s", "k8s/dev-secrets", "knative" })
    void kubectlKustomizeRendersEveryResource(String folder) throws Exception {
        assumeTrue(kubectlAvailable(), "kubectl is not installed: skipping the kustomize render check");
        Process kustomize = new ProcessBuilder("kubectl", "kustomize", Manifests.root().resolve(folder).toString())
                .redirectErrorStream(true).start();
        String output = new String(kustomize.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, kustomize.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, kustomize.exitValue(), output);
        long rendered = output.lines().filter(line -> line.startsWith("kind: ")).count();
        assertEquals(Manifests.files(folder).size(), rendered, output);
    }

    @org.junit.jupiter.api.Test
    void whatMakeDeployAppliesHoldsNoSecretSoARealOneIsNeverOverwritten() throws IOException {
        for (String folder : List.of("k8s", "knative")) {
            JsonNode kustomization = Manifests.YAML.readTree(
                    Manifests.root().resolve(folder).resolve("kustomization.yaml").toFile());
            for (JsonNode resource : kustomization.path("resources")) {
                JsonNode manifest = Manifests.YAML.readTree(
                        Manifests.root().resolve(folder).resolve(resource.asText()).toFile());
                assertEquals(false, "Secret".equals(manifest.path("kind").asText()), folder + "/" + resource.asText());
            }
        }
    }

    private static boolean kubectlAvailable() {
        try {
            return new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start()
                    .waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

}
