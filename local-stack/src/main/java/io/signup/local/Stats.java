package io.signup.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.signup.peers.LocalFunction;
import io.signup.peers.PrometheusText;
import io.signup.peers.PrometheusText.Sample;

/**
 * {@code make stats}: the cost view of functions as the unit of deployment. For each running function, from its own
 * /q/metrics: invocations, errors (5xx), p50/p99 request time (from the histogram buckets), CPU seconds used and its
 * cold start (from the process start to its first answer). Quarkus's own endpoints (/q/...) are not counted as
 * invocations. The inbox's figures page charts the same, scrape after scrape.
 */
public final class Stats {

    private static final String REQUESTS = "http_server_requests_seconds";
    private static final String HEADER = String.format("%-16s %12s %8s %10s %10s %12s %14s", "function",
            "invocations", "errors", "p50 ms", "p99 ms", "compute s", "cold start ms");

    /**
     * One function's figures at one scrape, each since its process started.
     *
     * @param buckets          request-time histogram, all routes outside /q/ together: upper bound (s) to count
     * @param startedAt        the process's start (epoch seconds): a new value is a new process, a cold start
     * @param coldStartSeconds from the process's start to the end of its first request; 0 (or NaN) before that
     */
    public record Figures(double invocations, double errors, double cpuSeconds, TreeMap<Double, Double> buckets,
            double startedAt, double coldStartSeconds) {

        public static Figures of(List<Sample> samples) {
            List<Sample> requests = samples.stream()
                    .filter(s -> s.name().startsWith(REQUESTS) && !s.labels().getOrDefault("uri", "").startsWith("/q/"))
                    .toList();
            TreeMap<Double, Double> buckets = new TreeMap<>();
            requests.stream().filter(s -> s.name().equals(REQUESTS + "_bucket")).forEach(s -> buckets.merge(
                    s.labels().get("le").equals("+Inf") ? Double.POSITIVE_INFINITY
                            : Double.parseDouble(s.labels().get("le")), s.value(), Double::sum));
            return new Figures(count(requests, null), count(requests, "5"),
                    PrometheusText.sum(samples, "process_cpu_time_ns_total", Map.of()) / 1e9, buckets,
                    PrometheusText.sum(samples, "process_start_time_seconds", Map.of()),
                    PrometheusText.sum(samples, "function_cold_start_seconds", Map.of()));
        }

        private static double count(List<Sample> requests, String statusPrefix) {
            return requests.stream().filter(s -> s.name().equals(REQUESTS + "_count"))
                    .filter(s -> statusPrefix == null || s.labels().getOrDefault("status", "").startsWith(statusPrefix))
                    .mapToDouble(Sample::value).sum();
        }
    }

    private Stats() {
    }

    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        System.out.println(HEADER);
        for (LocalFunction function : LocalFunction.values()) {
            try {
                System.out.println(row(function.module(), scrape(client, function.localUrl())));
            } catch (IOException notRunning) {
                System.out.printf("%-16s %s%n", function.module(), "not running at " + function.localUrl());
            }
        }
    }

    /** The function's figures now, from its /q/metrics. */
    static Figures scrape(HttpClient client, String functionUrl) throws IOException {
        try {
            return Figures.of(PrometheusText.parse(client.send(HttpRequest.newBuilder(URI.create(functionUrl
                    + "/q/metrics")).timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString()).body()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static String header() {
        return HEADER;
    }

    static String row(String function, Figures figures) {
        return String.format("%-16s %12.0f %8.0f %10s %10s %12.2f %14s", function, figures.invocations(),
                figures.errors(), bound(quantile(figures.buckets(), 0.50)), bound(quantile(figures.buckets(), 0.99)),
                figures.cpuSeconds(), !(figures.coldStartSeconds() > 0) ? "-"
                        : String.format("%.0f", figures.coldStartSeconds() * 1000));
    }

    /**
     * The bucket bound (s) below which {@code q} of the requests in {@code buckets} fall: NaN when there are none,
     * infinite when they are above the largest bound.
     */
    static double quantile(TreeMap<Double, Double> buckets, double q) {
        if (buckets.isEmpty() || buckets.lastEntry().getValue() <= 0) {
            return Double.NaN;
        }
        double wanted = q * buckets.lastEntry().getValue();
        for (var bucket : buckets.entrySet()) {
            if (bucket.getValue() >= wanted) {
                return bucket.getKey();
            }
        }
        return Double.NaN;
    }

    /** A quantile as make stats prints it, in ms. */
    static String bound(double seconds) {
        if (Double.isNaN(seconds)) {
            return "-";
        }
        return Double.isInfinite(seconds) ? "> max" : String.format("%.1f", seconds * 1000);
    }
}
