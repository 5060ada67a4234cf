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
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.signup.peers.FunctionProcess;

/**
 * One packaged application started as its own process (peers's {@link FunctionProcess}), timed from just before
 * the process is created until its first 2xx answer to a real request, as a platform starting a scaled-to-zero
 * function would see it.
 */
final class Launch implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** A JVM writing an AOT cache at exit takes a while. */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(60);
    /** USER_HZ, which Linux fixes at 100 on every architecture it reports to user space. */
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;
    private static final HttpClient PROBE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500)).build();

    private final String name;
    private final FunctionProcess process;
    private final long startedAt;
    private final URI url;

    private Launch(String name, FunctionProcess process, long startedAt) {
        this.name = name;
        this.process = process;
        this.startedAt = startedAt;
        this.url = URI.create(process.url());
    }

    /** Runs {@code command} (a jar's or a native executable's) on {@code port}, with {@code env}; output to log. */
    static Launch start(String name, List<String> command, int port, Map<String, String> env, Path log) {
        long startedAt = System.nanoTime();
        return new Launch(name, FunctionProcess.spawn(name, command, port, env, log), startedAt);
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
            process.checkAlive();
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
        throw new IllegalStateException(name + " gave no 2xx within " + START_TIMEOUT + "; see " + process.log());
    }

    /** Resident set size of the process now, in MiB (VmRSS of /proc). */
    double rssMib() {
        return statusMib("VmRSS");
    }

    /**
     * The part of {@link #rssMib()} that maps files, in MiB (RssFile of /proc): for a native executable mostly its own
     * code and image heap, pages the kernel can drop and read again, shared by every process of the same file.
     */
    double rssFileMib() {
        return statusMib("RssFile");
    }

    private double statusMib(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + field + " for " + name);
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

    @Override
    public void close() {
        process.close(EXIT_GRACE);
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
