package io.signup.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.HdrHistogram.Histogram;

/**
 * A closed-loop load generator: {@code concurrency} clients, each sending its next request as soon as the previous
 * one is answered, over kept-alive HTTP/1.1 connections. Latencies go into an HdrHistogram (microseconds).
 */
final class Load {

    /** What one run measured. Only answers with the expected status count as served. */
    record Result(long served, long failed, double seconds, Histogram latencies) {

        double perSecond() {
            return served / seconds;
        }

        double percentileMillis(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(1);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private final Function<URI, HttpRequest> request;
    private final int expectedStatus;

    Load(URI target, Function<URI, HttpRequest> request, int expectedStatus) {
        this.target = target;
        this.request = request;
        this.expectedStatus = expectedStatus;
    }

    /** Runs for {@code duration}. */
    Result forDuration(int concurrency, Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        return run(concurrency, () -> System.nanoTime() < deadline);
    }

    /** Runs until {@code total} requests were sent. */
    Result forRequests(int concurrency, long total) {
        AtomicLong sent = new AtomicLong();
        return run(concurrency, () -> sent.incrementAndGet() <= total);
    }

    /** Each client sends while {@code more} says so. */
    private Result run(int concurrency, BooleanSupplier more) {
        List<Histogram> histograms = new ArrayList<>();
        AtomicLong served = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            Histogram histogram = new Histogram(MAX_LATENCY_MICROS, 3);
            histograms.add(histogram);
            Thread client = new Thread(() -> {
                while (more.getAsBoolean()) {
                    long sentAt = System.nanoTime();
                    try {
                        int status = this.client.send(request.apply(target), BodyHandlers.discarding()).statusCode();
                        long micros = (System.nanoTime() - sentAt) / 1000;
                        if (status == expectedStatus) {
                            histogram.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
                            served.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "load-" + i);
            clients.add(client);
            client.start();
        }
        for (Thread client : clients) {
            try {
                client.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram all = new Histogram(MAX_LATENCY_MICROS, 3);
        histograms.forEach(all::add);
        return new Result(served.get(), failed.get(), seconds, all);
    }
}
