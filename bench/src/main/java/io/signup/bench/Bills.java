package io.signup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.signup.local.PingScheduler;

/** What the measured costs add up to: a million signups, and an idle hour under the settings of knative/. */
final class Bills {

    /**
     * Calls one signup causes until its welcome mail: save-email-fn takes the signup and the confirmation (the
     * confirmation priced as a signup: both are one transaction and one publish), render-html-fn serves the signup
     * page and the confirmation page, send-email-fn sends the confirmation and the welcome mail.
     */
    static final Map<String, Integer> CALLS_PER_SIGNUP = Map.of("save-email-fn", 2, "render-html-fn", 2,
            "send-email-fn", 2);
    /** Knative's KPA defaults: a revision keeps its pod through the stable window, then the scale-to-zero grace. */
    static final int STABLE_WINDOW_SECONDS = 60;
    static final int SCALE_TO_ZERO_GRACE_SECONDS = 30;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One function's share of a million signups. */
    record Share(String function, long calls, double cpuSeconds, double gibSeconds) {
    }

    /** A function's idle hour: pods kept by min-scale, or woken by PingSources, each living start + window + grace. */
    record Idle(String function, int minScale, double wakesPerHour, double podSecondsPerHour) {
    }

    private Bills() {
    }

    static List<Share> million(List<Costs.Row> rows) {
        List<Share> shares = new ArrayList<>();
        for (Costs.Row row : rows) {
            long calls = 1_000_000L * CALLS_PER_SIGNUP.getOrDefault(row.app(), 0);
            shares.add(new Share(row.app(), calls, calls * row.cpuMillisPerCall().median() / 1000,
                    calls * row.mibSecondsPerCall().median() / 1024));
        }
        return shares;
    }

    /**
     * Pod-seconds per idle hour that knative/ implies: {@code min-scale} pods all hour, else one wake per ping of a
     * PingSource whose sink is the function, each costing its start plus the stable window and the grace period.
     */
    static List<Idle> idle(Path knative, Map<String, Double> startSeconds) {
        Map<String, Integer> minScale = new LinkedHashMap<>();
        Map<String, Double> wakes = new LinkedHashMap<>();
        for (JsonNode resource : resources(knative)) {
            String kind = resource.path("apiVersion").asText() + "/" + resource.path("kind").asText();
            if (kind.equals("serving.knative.dev/v1/Service")) {
                minScale.put(resource.path("metadata").path("name").asText(), resource.path("spec").path("template")
                        .path("metadata").path("annotations").path("autoscaling.knative.dev/min-scale").asInt(0));
            } else if (kind.equals("sources.knative.dev/v1/PingSource")) {
                wakes.merge(resource.path("spec").path("sink").path("ref").path("name").asText(),
                        60.0 / PingScheduler.everyMinutes(resource.path("spec").path("schedule").asText()),
                        Double::sum);
            }
        }
        List<Idle> idle = new ArrayList<>();
        minScale.forEach((function, scale) -> {
            double perHour = wakes.getOrDefault(function, 0.0);
            double podSeconds = scale > 0 ? 3600.0 * scale
                    : perHour * (startSeconds.getOrDefault(function, 0.0) + STABLE_WINDOW_SECONDS
                            + SCALE_TO_ZERO_GRACE_SECONDS);
            idle.add(new Idle(function, scale, scale > 0 ? 0 : perHour, podSeconds));
        });
        return idle;
    }

    private static List<JsonNode> resources(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<JsonNode> resources = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                resources.add(YAML.readTree(file.toFile()));
            }
            return resources;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
