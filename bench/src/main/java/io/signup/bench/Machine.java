package io.signup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the figures were measured on: they mean little without it. */
final class Machine {

    private Machine() {
    }

    static Map<String, Object> describe(Path java, Optional<Path> aotJavaHome) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memoryGib", memoryGib());
        machine.put("cpu", cpuModel());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("jdk", javaVersion(java));
        aotJavaHome.ifPresent(home -> machine.put("aotJdk", javaVersion(home.resolve("bin/java"))));
        return machine;
    }

    /** The first line of {@code java -version}, e.g. {@code openjdk version "17.0.17" 2025-10-21}. */
    static String javaVersion(Path java) {
        try {
            Process process = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
            String first = new String(process.getInputStream().readAllBytes()).lines().findFirst().orElse("?");
            process.waitFor();
            return first.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double memoryGib() {
        return procLine("/proc/meminfo", "MemTotal:")
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")) / (1024.0 * 1024.0))
                .orElse(Double.NaN);
    }

    private static String cpuModel() {
        return procLine("/proc/cpuinfo", "model name").map(line -> line.substring(line.indexOf(':') + 1).trim())
                .orElse("unknown");
    }

    private static Optional<String> procLine(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(line -> line.startsWith(prefix)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
