package io.signup.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged function (its jar or native executable, see {@link Packaging}) running as its own process, configured
 * only by environment variables, as it runs in production. Its output goes to a log file next to the test reports.
 */
public final class FunctionProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private FunctionProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code module} as packaged by {@link Packaging#selected()} on a free port with {@code env} (plus
     * QUARKUS_HTTP_PORT) and waits until its readiness endpoint answers 200.
     */
    public static FunctionProcess start(Path projectRoot, String module, Map<String, String> env, Path logDirectory) {
        return start(projectRoot, module, freePort(), env, logDirectory);
    }

    /** As {@link #start(Path, String, Map, Path)}, on a port chosen by the caller (to wire two functions together). */
    public static FunctionProcess start(Path projectRoot, String module, int port, Map<String, String> env,
            Path logDirectory) {
        Packaging packaging = Packaging.selected();
        List<String> command = packaging.command(packaging.require(projectRoot, module),
                Path.of(System.getProperty("java.home"), "bin", "java"), List.of());
        FunctionProcess function = spawn(module, command, port, env, logDirectory.resolve(module + ".log"));
        function.awaitReady();
        return function;
    }

    /**
     * Runs {@code command} (see {@link Packaging#command}) on {@code port}, with {@code env} (plus QUARKUS_HTTP_PORT),
     * its output appended to {@code log}, and returns at once: for a caller that times the start itself (make bench).
     */
    public static FunctionProcess spawn(String name, List<String> command, int port, Map<String, String> env,
            Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            return new FunctionProcess(name, builder.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Fails with the exit code and the log's place if the process has ended. */
    public void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
        }
    }

    public String url() {
        return "http://localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            checkAlive();
            try {
                if (client.send(ready, BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException(name + " not ready within " + READY_TIMEOUT + "; see " + log);
    }

    /** Ends the process at once, without letting it shut down ({@code kill -9}). */
    public void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** SIGTERM, as Knative scaling a pod down, then up to {@code grace} for the exit before {@code kill -9}. */
    public void close(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project root, for tests run by Maven from a module directory. */
    public static Path projectRoot() {
        Path module = Path.of("").toAbsolutePath();
        for (Path dir = module; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("save-email-fn"))) {
                return dir;
            }
        }
        throw new IllegalStateException("project root not found above " + module);
    }

    /** Environment for a function that uses {@code database} (save-email-fn, send-email-fn). */
    public static Map<String, String> databaseEnvironment(TestDatabase database) {
        return Map.of(
                "QUARKUS_DATASOURCE_REACTIVE_URL", database.reactiveUrl(),
                "QUARKUS_DATASOURCE_USERNAME", "postgres",
                "QUARKUS_DATASOURCE_PASSWORD", "postgres",
                // The suppression list's keys: a fixed value on this machine, a Secret on the cluster.
                "SIGNUP_SUPPRESSION_KEY", "local-only-suppression-key-0123456789abcdef");
    }

    /** Environment for save-email-fn against {@code database}, publishing to {@code sinkUrl} when not null. */
    public static Map<String, String> saveEmailEnvironment(TestDatabase database, String sinkUrl,
            List<String> corsOrigins) {
        Map<String, String> env = new HashMap<>(databaseEnvironment(database));
        env.put("QUARKUS_HTTP_CORS_ORIGINS", String.join(",", corsOrigins));
        if (sinkUrl != null) {
            env.put("K_SINK", sinkUrl);
        }
        return env;
    }
}
