package io.signup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One packaged application started as its own process, timed from just before the process is created until its
 * first 2xx answer to a real request, as a platform starting a scaled-to-zero function would see it.
 */
final class Launch implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** USER_HZ, which Linux fixes at 100 on every architecture it reports to user space. */
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;
    private static final HttpClient PROBE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500)).build();

    private final String name;
    private final Process process;
    private final long startedAt;
    private final URI url;
    private final Path log;

    private Launch(String name, Process process, long startedAt, URI url, Path log) {
        this.name = name;
        this.process = process;
        this.startedAt = startedAt;
        this.url = url;
        this.log = log;
    }

    /** Starts {@code jar} with {@code java} and {@code jvmArgs}, on {@code port}, with {@code env}; output to log. */
    static Launch start(String name, Path java, List<String> jvmArgs, Path jar, int port, Map<String, String> env,
            Path log) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        try {
            Files.createDirectories(log.getParent());
            long startedAt = System.nanoTime();
            return new Launch(name, builder.start(), startedAt, URI.create("http://localhost:" + port), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI url() {
        return url;
    }

    /**
     * Sends {@code request} every 2 ms until one is answered 2xx.
     *
     * @return milliseconds from process creation to that answer
     */
    double millisToFirstSuccess(Function<URI, HttpRequest> request) {
        long deadline = startedAt + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                int status = PROBE.send(request.apply(url), BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return (System.nanoTime() - startedAt) / 1e6;
                }
            } catch (IOException notListeningYet) {
                // the port opens late in the start
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleepMillis(2);
        }
        throw new IllegalStateException(name + " gave no 2xx within " + START_TIMEOUT + "; see " + log);
    }

    /** Resident set size of the process now, in MiB (VmRSS of /proc). */
    double rssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for " + name);
    }

    /**
     * CPU time the process has used so far, user and system, in seconds (utime + stime of /proc, in clock ticks of
     * 10 ms: over a load window of seconds the error is well under 1 %).
     */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // Fields after the command name (which may hold spaces) start at its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, as Knative scaling a pod down, then waits for the exit (a JVM writing an AOT cache takes a while). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
