package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The project's Makefile, run from the repository root as a user would; a failing target fails the test. */
final class Make {

    private Make() {
    }

    /** Runs {@code make -s} with {@code args} and returns what it printed. */
    static String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("make", "-s", "--no-print-directory"));
        command.addAll(args);
        Process make = new ProcessBuilder(command).directory(Manifests.root().toFile()).redirectErrorStream(true)
                .start();
        String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(make.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, make.exitValue(), output);
        return output;
    }
}
