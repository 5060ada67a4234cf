package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * monitoring/: the PodMonitor scrapes what the functions serve, and the alerts pass Prometheus's own checks. promtool
 * ({@code PROMTOOL}, else on the PATH; CI installs Debian's prometheus and sets it) runs {@code check rules} and
 * {@code test rules} on the rules of the PrometheusRule, as the operator hands them to Prometheus.
 */
class MonitoringTest {

    private static final Path MONITORING = Manifests.root().resolve("monitoring");
    private static final String RULES_FILE = "signup-alerts.rules.yaml";
    private static final String TESTS_FILE = "signup-alerts.test.yaml";

    @Test
    void promtoolChecksTheRulesAndTheirUnitTestsPass() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "promtool");
        Manifests.YAML.writeValue(dir.resolve(RULES_FILE).toFile(), rule().path("spec"));
        Files.copy(MONITORING.resolve("tests").resolve(TESTS_FILE), dir.resolve(TESTS_FILE));
        assertEquals("", promtool(dir, "check", "rules", RULES_FILE));
        assertEquals("", promtool(dir, "test", "rules", TESTS_FILE));
    }

    @Test
    void everyAlertHasARunbookSectionAndATestThatFiresAndOneThatStaysQuiet() throws IOException {
        String readme = Files.readString(MONITORING.resolve("README.md"));
        Set<String> anchors = new TreeSet<>();
        readme.lines().filter(line -> line.startsWith("### "))
                .forEach(line -> anchors.add(line.substring(4).strip().toLowerCase().replaceAll("[^a-z0-9 -]", "")
                        .replace(' ', '-')));
        JsonNode tests = Manifests.YAML.readTree(MONITORING.resolve("tests").resolve(TESTS_FILE).toFile());
        Set<String> fired = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        tests.path("tests").forEach(test -> test.path("alert_rule_test").forEach(check ->
                (check.path("exp_alerts").isEmpty() ? quiet : fired).add(check.path("alertname").asText())));
        List<String> missing = new ArrayList<>();
        for (JsonNode alert : alerts()) {
            String name = alert.path("alert").asText();
            String runbook = alert.path("annotations").path("runbook").asText();
            if (!runbook.equals("monitoring/README.md#" + name.toLowerCase()) || !anchors.contains(name.toLowerCase())) {
                missing.add(name + ": runbook section");
            }
            if (!fired.contains(name)) {
                missing.add(name + ": a test where it fires");
            }
            if (!quiet.contains(name)) {
                missing.add(name + ": a test where it stays quiet");
            }
        }
        assertEquals(List.of(), missing);
        assertTrue(alerts().size() >= 6, "dead letters, outbox, SMTP login, errors, 429s, cold starts");
    }

    @Test
    void thePodMonitorScrapesTheUserContainerOfEachFunction() throws IOException {
        JsonNode monitor = Manifests.YAML.readTree(MONITORING.resolve("10-podmonitor-functions.yaml").toFile());
        Set<String> selected = new TreeSet<>();
        monitor.path("spec").path("selector").path("matchExpressions").forEach(expression -> {
            assertEquals("serving.knative.dev/service", expression.path("key").asText());
            expression.path("values").forEach(value -> selected.add(value.asText()));
        });
        Set<String> functions = new TreeSet<>();
        Renders.of("knative", "Service").forEach(service -> functions.add(service.path("metadata").path("name").asText()));
        assertEquals(functions, selected, "every function, and nothing else");
        JsonNode endpoint = monitor.path("spec").path("podMetricsEndpoints").get(0);
        // Knative names the user container's port user-port, whatever the Service calls it.
        assertEquals("user-port", endpoint.path("port").asText());
        assertEquals("/q/metrics", endpoint.path("path").asText());
    }

    private static JsonNode rule() throws IOException {
        return Manifests.YAML.readTree(MONITORING.resolve("20-prometheusrule-signup.yaml").toFile());
    }

    private static List<JsonNode> alerts() throws IOException {
        List<JsonNode> alerts = new ArrayList<>();
        rule().path("spec").path("groups").forEach(group -> group.path("rules").forEach(alerts::add));
        return alerts;
    }

    /** What promtool printed when it failed; "" when it passed. */
    private static String promtool(Path dir, String... args) throws Exception {
        String configured = System.getenv("PROMTOOL");
        String program = configured != null && !configured.isBlank() ? configured : "promtool";
        assumeTrue(configured != null && !configured.isBlank() || Renders.onPath(program),
                "no promtool: skipping the rule checks (CI sets PROMTOOL)");
        List<String> command = new ArrayList<>(List.of(program));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool finished");
        return process.exitValue() == 0 ? "" : output;
    }
}
