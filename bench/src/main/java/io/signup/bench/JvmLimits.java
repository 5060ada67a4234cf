package io.signup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The memory limit of each function's pod in the JVM variant, read from its kustomize Component (docker/jvm/). */
final class JvmLimits {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private JvmLimits() {
    }

    /** Function name → memory limit in MiB. */
    static Map<String, Integer> read(Path component) {
        try {
            Map<String, Integer> limits = new LinkedHashMap<>();
            for (JsonNode patch : YAML.readTree(component.toFile()).path("patches")) {
                JsonNode operations = YAML.readTree(patch.path("patch").asText());
                String memory = operations.get(0).path("value").path("limits").path("memory").asText();
                if (!memory.endsWith("Mi")) {
                    throw new IllegalStateException(component + ": limits in Mi expected, not " + memory);
                }
                limits.put(patch.path("target").path("name").asText(),
                        Integer.parseInt(memory.substring(0, memory.length() - 2)));
            }
            return limits;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
