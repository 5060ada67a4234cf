package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.signup.peers.LocalFunction;

/**
 * What make images builds, checked without a container engine: each function's native image is built from its own
 * Dockerfile.native-micro around the executable make native leaves in target/, and named as knative/ names it.
 */
class NativeImagesTest {

    @Test
    void eachFunctionsImageIsBuiltFromItsNativeExecutableTaggedAndPushed() throws Exception {
        // CONTAINER=echo prints the engine's commands; -o native: the executables are not built for this.
        String output = Make.run(List.of("-o", "native", "images", "CONTAINER=echo", "REGISTRY=registry.example",
                "TAG=t1"));
        List<String> expected = new ArrayList<>();
        for (LocalFunction function : LocalFunction.values()) {
            String fn = function.module();
            String image = "registry.example/signup/" + fn;
            expected.addAll(List.of("build -f " + fn + "/src/main/docker/Dockerfile.native-micro -t " + image + ":t1 "
                    + fn, "tag " + image + ":t1 " + image + ":latest", "push " + image + ":t1",
                    "push " + image + ":latest"));
        }
        assertEquals(expected.stream().sorted().toList(), output.lines().sorted().toList());
    }

    @Test
    void eachDockerfileRunsTheExecutableMakeNativeLeavesAsANonRootUser() throws IOException {
        for (LocalFunction function : LocalFunction.values()) {
            Path dockerfile = Manifests.root().resolve(function.module()).resolve("src/main/docker/Dockerfile.native-micro");
            List<String> lines = Files.readAllLines(dockerfile);
            // Quarkus names the executable <finalName>-runner in target/ (the failsafe native.image.path too).
            assertTrue(lines.stream().anyMatch(line -> line.matches("COPY .*target/\\*-runner /work/application")),
                    dockerfile + " copies target/*-runner");
            assertTrue(lines.stream().anyMatch(line -> line.matches("FROM \\S+:[0-9][\\w.-]*")),
                    dockerfile + " names its base image with a version tag");
            assertTrue(lines.stream().anyMatch(line -> line.matches("USER [1-9][0-9]*")),
                    dockerfile + " runs as a numeric non-root user (restricted pods)");
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("ENTRYPOINT [\"./application\"")),
                    dockerfile + " runs the executable");
        }
    }
}
