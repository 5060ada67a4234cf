package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code make deploy} twice, with a code change in between: what it applies (make render) gives every function a new
 * image, so Knative makes a new Revision, and names a new migration Job, so the release's migrations run. Deploying
 * the same build again changes nothing. The JVM variant (VARIANT=jvm) deploys its own images with the JVM's memory.
 */
class DeployRenderTest {

    @TempDir
    Path deployDirs;

    @ParameterizedTest
    @ValueSource(strings = { "default", "production" })
    void aNewBuildGetsNewRevisionsAndANewMigrationRun(String overlay) throws Exception {
        List<JsonNode> first = render(overlay, "a1b2c3d4e5f6", "first");
        List<JsonNode> second = render(overlay, "0f9e8d7c6b5a-dirty-1234abcd", "second");
        List<JsonNode> again = render(overlay, "0f9e8d7c6b5a-dirty-1234abcd", "again");

        assertEquals(Map.of("render-html-fn", "localhost:5001/signup/render-html-fn:a1b2c3d4e5f6",
                "save-email-fn", "localhost:5001/signup/save-email-fn:a1b2c3d4e5f6",
                "send-email-fn", "localhost:5001/signup/send-email-fn:a1b2c3d4e5f6"), revisionImages(first));
        revisionImages(first).forEach((function, image) -> assertNotEquals(image, revisionImages(second).get(function),
                function + ": a changed template is a new Revision"));
        assertEquals("signup-db-migrate-a1b2c3d4e5f6", migrationJob(first).path("metadata").path("name").asText());
        assertEquals("signup-db-migrate-0f9e8d7c6b5a-dirty-1234abcd",
                migrationJob(second).path("metadata").path("name").asText());
        assertTrue(migrationJob(second).path("spec").path("template").path("spec").path("containers").get(0)
                .path("image").asText().endsWith(":0f9e8d7c6b5a-dirty-1234abcd"), "the Job migrates with the new code");
        assertTrue(migrationJob(second).path("spec").path("ttlSecondsAfterFinished").asInt() > 0,
                "finished Jobs go away by themselves");
        assertEquals(second, again, "the same build deploys to the same objects");
    }

    @ParameterizedTest
    @ValueSource(strings = { "default", "production" })
    void theJvmVariantRunsItsOwnImagesWithMoreMemory(String overlay) throws Exception {
        List<JsonNode> nativeRender = render(overlay, "a1b2c3d4e5f6", "native");
        List<JsonNode> jvm = render(overlay, "a1b2c3d4e5f6", "jvm", "VARIANT=jvm");
        revisionImages(jvm).values().forEach(image -> assertTrue(image.endsWith(":a1b2c3d4e5f6-jvm"), image));
        assertEquals("signup-db-migrate-a1b2c3d4e5f6-jvm", migrationJob(jvm).path("metadata").path("name").asText(),
                "a Job of its own: the native release's Job cannot take another image");
        Map<String, Long> nativeLimits = memoryLimits(nativeRender);
        memoryLimits(jvm).forEach((function, limit) -> assertTrue(limit > nativeLimits.get(function),
                function + ": " + limit + " Mi for the JVM, " + nativeLimits.get(function) + " Mi native"));
    }

    private static Map<String, Long> memoryLimits(List<JsonNode> rendered) {
        Map<String, Long> limits = new TreeMap<>();
        ClusterPathTest.kind(rendered, "Service").stream().filter(s -> s.path("spec").has("template"))
                .forEach(s -> limits.put(s.path("metadata").path("name").asText(), ClusterPathTest.mebibytes(
                        s.path("spec").path("template").path("spec").path("containers").get(0).path("resources")
                                .path("limits").path("memory").asText())));
        assertEquals(3, limits.size());
        return limits;
    }

    private List<JsonNode> render(String overlay, String tag, String dir, String... more)
            throws IOException, InterruptedException {
        Path into = deployDirs.resolve(dir);
        List<String> args = new java.util.ArrayList<>(List.of("render", "OVERLAY=" + overlay, "TAG=" + tag,
                "DEPLOY_DIR=" + into));
        args.addAll(List.of(more));
        Make.run(args);
        assertTrue(Files.exists(into.resolve("k8s/kustomization.yaml")));
        return java.util.stream.Stream.concat(Renders.of(into.resolve("k8s").toString()).stream(),
                Renders.of(into.resolve("knative").toString()).stream()).toList();
    }

    private static Map<String, String> revisionImages(List<JsonNode> rendered) {
        Map<String, String> images = new TreeMap<>();
        ClusterPathTest.kind(rendered, "Service").stream().filter(s -> s.path("spec").has("template"))
                .forEach(s -> images.put(s.path("metadata").path("name").asText(), s.path("spec").path("template")
                        .path("spec").path("containers").get(0).path("image").asText()));
        return images;
    }

    private static JsonNode migrationJob(List<JsonNode> rendered) {
        List<JsonNode> jobs = ClusterPathTest.kind(rendered, "Job");
        assertEquals(1, jobs.size());
        return jobs.get(0);
    }
}
