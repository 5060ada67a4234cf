package io.signup.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How a module is packaged to run as its own process: the JVM application ({@code target/quarkus-app/quarkus-run.jar},
 * {@code make build}) or the native executable ({@code target/*-runner}, {@code make native}). The system property
 * {@code signup.packaging} ({@code jvm} or {@code native}) picks one for make run, make chaos and the *IT suites.
 */
public enum Packaging {

    JVM,
    NATIVE;

    /** The packaging asked for by {@code -Dsignup.packaging}; the JVM when it is not set. */
    public static Packaging selected() {
        String value = System.getProperty("signup.packaging", "jvm");
        return switch (value) {
            case "jvm", "" -> JVM;
            case "native" -> NATIVE;
            default -> throw new IllegalArgumentException("signup.packaging is jvm or native, not " + value);
        };
    }

    /** The module's packaged file, if it has been built. */
    public Optional<Path> artifact(Path projectRoot, String module) {
        Path target = projectRoot.resolve(module).resolve("target");
        if (this == JVM) {
            return Optional.of(target.resolve("quarkus-app/quarkus-run.jar")).filter(Files::isRegularFile);
        }
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(file -> file.getFileName().toString().endsWith("-runner"))
                    .filter(Files::isExecutable).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module's packaged file; fails with what builds it when it is missing. */
    public Path require(Path projectRoot, String module) {
        return artifact(projectRoot, module).orElseThrow(() -> new IllegalStateException(module + " has no "
                + (this == JVM ? "target/quarkus-app/quarkus-run.jar: run make build" : "native executable "
                + "target/*-runner: run make native") + " first"));
    }

    /**
     * The command that runs {@code artifact}: {@code java} with {@code jvmArgs} for a jar; the executable itself for
     * a native one, which takes no JVM options.
     */
    public List<String> command(Path artifact, Path java, List<String> jvmArgs) {
        List<String> command = new ArrayList<>();
        if (this == JVM) {
            command.add(java.toString());
            command.addAll(jvmArgs);
            command.add("-jar");
        }
        command.add(artifact.toString());
        return command;
    }
}
