package io.signup.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.signup.peers.LocalFunction;
import io.signup.peers.PrometheusText.Sample;
import io.signup.peers.PrometheusText;

/**
 * {@code make stats}: the cost view of functions as the unit of deployment. For each running function, from its own
 * /q/metrics: invocations, errors (5xx), p50/p99 request time (from the histogram buckets) and CPU seconds used.
 * Quarkus's own endpoints (/q/...) are not counted as invocations.
 */
public final class Stats {

    private static final String REQUESTS = "http_server_requests_seconds";

    private Stats() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> functions = new LinkedHashMap<>();
        for (LocalFunction function : LocalFunction.values()) {
            functions.put(function.module(), function.localUrl());
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        System.out.printf("%-16s %12s %8s %10s %10s %12s%n", "function", "invocations", "errors", "p50 ms", "p99 ms",
                "compute s");
        for (var function : functions.entrySet()) {
            String text;
            try {
                text = client.send(HttpRequest.newBuilder(URI.create(function.getValue() + "/q/metrics")).build(),
                        BodyHandlers.ofString()).body();
            } catch (java.io.IOException notRunning) {
                System.out.printf("%-16s %s%n", function.getKey(), "not running at " + function.getValue());
                continue;
            }
            System.out.println(row(function.getKey(), PrometheusText.parse(text)));
        }
    }

    static String row(String function, List<Sample> samples) {
        List<Sample> requests = samples.stream()
                .filter(s -> s.name().startsWith(REQUESTS) && !s.labels().getOrDefault("uri", "").startsWith("/q/"))
                .toList();
        double invocations = sum(requests, REQUESTS + "_count", null);
        double errors = sum(requests, REQUESTS + "_count", "5");
        double cpuSeconds = PrometheusText.sum(samples, "process_cpu_time_ns_total", Map.of()) / 1e9;
        return String.format("%-16s %12.0f %8.0f %10s %10s %12.2f", function, invocations, errors,
                quantile(requests, 0.50), quantile(requests, 0.99), cpuSeconds);
    }

    private static double sum(List<Sample> requests, String name, String statusPrefix) {
        return requests.stream().filter(s -> s.name().equals(name))
                .filter(s -> statusPrefix == null || s.labels().getOrDefault("status", "").startsWith(statusPrefix))
                .mapToDouble(Sample::value).sum();
    }

    /** The bucket bound below which {@code q} of the requests fall (all routes together), in ms. */
    static String quantile(List<Sample> requests, double q) {
        TreeMap<Double, Double> buckets = new TreeMap<>(Comparator.naturalOrder());
        requests.stream().filter(s -> s.name().equals(REQUESTS + "_bucket")).forEach(s -> buckets.merge(
                s.labels().get("le").equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(s.labels().get("le")),
                s.value(), Double::sum));
        if (buckets.isEmpty() || buckets.lastEntry().getValue() == 0) {
            return "-";
        }
        double wanted = q * buckets.lastEntry().getValue();
        for (var bucket : buckets.entrySet()) {
            if (bucket.getValue() >= wanted) {
                return bucket.getKey().isInfinite() ? "> max" : String.format("%.1f", bucket.getKey() * 1000);
            }
        }
        return "-";
    }
}
