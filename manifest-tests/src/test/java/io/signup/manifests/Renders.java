package io.signup.manifests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;

/**
 * What {@code kubectl apply -k} would send: a kustomization rendered by kustomize (the {@code KUSTOMIZE} binary, else
 * {@code kustomize} or {@code kubectl kustomize} on the PATH). Without one the render tests are skipped, unless
 * {@code KUSTOMIZE} names it (as CI does): then a missing binary fails them.
 */
final class Renders {

    private static final Map<Path, List<JsonNode>> CACHE = new ConcurrentHashMap<>();

    private Renders() {
    }

    /** The documents {@code folder} (relative to the project root, or absolute) renders to. */
    static List<JsonNode> of(String folder) {
        return CACHE.computeIfAbsent(Manifests.root().resolve(folder), Renders::render);
    }

    /** The rendered resources of {@code kind}. */
    static List<JsonNode> of(String folder, String kind) {
        return of(folder).stream().filter(doc -> kind.equals(doc.path("kind").asText())).toList();
    }

    private static List<JsonNode> render(Path folder) {
        List<String> command = new ArrayList<>(command());
        command.add(folder.toString());
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
            byte[] output = process.getInputStream().readAllBytes();
            String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + errors);
            }
            try (MappingIterator<JsonNode> docs = Manifests.YAML.readerFor(JsonNode.class)
                    .readValues(new String(output, StandardCharsets.UTF_8))) {
                return docs.readAll().stream().filter(doc -> !doc.isEmpty()).toList();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> command() {
        String configured = System.getenv("KUSTOMIZE");
        if (configured != null && !configured.isBlank()) {
            return List.of(configured, "build");
        }
        if (onPath("kustomize")) {
            return List.of("kustomize", "build");
        }
        assumeTrue(onPath("kubectl"), "no kustomize nor kubectl: skipping the render checks (CI sets KUSTOMIZE)");
        return List.of("kubectl", "kustomize");
    }

    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
