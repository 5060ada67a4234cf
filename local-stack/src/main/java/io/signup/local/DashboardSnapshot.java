package io.signup.local;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.signup.peers.FunctionProcess;
import io.signup.peers.LocalFunction;

/**
 * {@code make dashboard-snapshot}: monitoring/'s Grafana dashboard drawn from real series, where no Grafana runs. A
 * real Prometheus (Debian's {@code prometheus}) scrapes the running {@code make run} functions for a while, with the
 * labels the PodMonitor gives them on a cluster ({@code function}, {@code namespace}, {@code pod}); then every
 * panel's own PromQL, with the dashboard's variables filled in, is asked of it over that window, and the panels are
 * drawn where their {@code gridPos} puts them, the function row repeated per function as Grafana repeats it. The
 * result is an HTML page (and, when Chromium is installed, a PNG of it) under target/dashboard/.
 */
public final class DashboardSnapshot {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SCRAPE_EVERY = Duration.ofSeconds(5);
    /** Grafana's $__rate_interval: four scrape intervals at least. */
    private static final String RATE_INTERVAL = "20s";
    private static final int COLUMN_PX = 46;
    private static final int ROW_PX = 30;
    private static final String[] COLOURS = { "#2563eb", "#16a34a", "#ea580c", "#9333ea", "#dc2626", "#0891b2",
        "#ca8a04", "#db2777" };
    private static final Pattern LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI prometheus;

    private DashboardSnapshot(URI prometheus) {
        this.prometheus = prometheus;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("signup.root", ".")).toAbsolutePath().normalize();
        Duration window = Duration.parse(System.getenv().getOrDefault("SNAPSHOT_WINDOW", "PT3M"));
        Path out = root.resolve("target/dashboard");
        Files.createDirectories(out);
        int port = FunctionProcess.freePort();
        Path config = out.resolve("prometheus.yml");
        Files.writeString(config, scrapeConfig());
        Process server = new ProcessBuilder(System.getenv().getOrDefault("PROMETHEUS", "prometheus"),
                "--config.file=" + config, "--storage.tsdb.path=" + out.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(out.resolve("prometheus.log").toFile()).start();
        try {
            DashboardSnapshot snapshot = new DashboardSnapshot(URI.create("http://127.0.0.1:" + port));
            Instant start = Instant.now();
            System.out.printf("Prometheus scrapes the make run functions for %s; use the stack meanwhile "
                    + "(sign up, confirm) so the panels have something to show.%n", window);
            Thread.sleep(window.toMillis());
            JsonNode dashboard = JSON.readTree(root.resolve("monitoring/dashboards/signup-functions.json").toFile());
            String page = snapshot.render(dashboard, start, Instant.now());
            Path html = out.resolve("dashboard.html");
            Files.writeString(html, page);
            System.out.println("Drawn: " + html);
            screenshot(html, out.resolve("dashboard.png"));
        } finally {
            server.destroy();
        }
    }

    /** The three functions as static targets, labelled as the PodMonitor labels them on a cluster. */
    private static String scrapeConfig() {
        StringBuilder targets = new StringBuilder();
        for (LocalFunction function : LocalFunction.values()) {
            targets.append(String.format("""
                          - targets: ["localhost:%d"]
                            labels: {function: %s, namespace: signup, pod: %s-local, revision: %s-local}
                    """, function.port(), function.module(), function.module(), function.module()));
        }
        return String.format("""
                global:
                  scrape_interval: %ds
                scrape_configs:
                  - job_name: signup-functions
                    metrics_path: /q/metrics
                    static_configs:
                %s""", SCRAPE_EVERY.toSeconds(), targets);
    }

    /** The dashboard as an HTML page of SVG panels. */
    String render(JsonNode dashboard, Instant from, Instant to) throws IOException {
        List<String> functions = List.of(LocalFunction.values()).stream().map(LocalFunction::module).toList();
        StringBuilder panels = new StringBuilder();
        List<JsonNode> all = new ArrayList<>();
        dashboard.path("panels").forEach(all::add);
        int repeatedRowEnd = all.stream().filter(p -> p.path("type").asText().equals("row") && !p.has("repeat"))
                .mapToInt(p -> p.path("gridPos").path("y").asInt()).min().orElse(Integer.MAX_VALUE);
        int offset = 0;
        for (String function : functions) {
            for (JsonNode panel : all) {
                if (panel.path("gridPos").path("y").asInt() < repeatedRowEnd) {
                    panels.append(panel(panel, Map.of("$function", function), from, to, offset));
                }
            }
            offset += repeatedRowEnd;
        }
        for (JsonNode panel : all) {
            if (panel.path("gridPos").path("y").asInt() >= repeatedRowEnd) {
                panels.append(panel(panel, Map.of(), from, to, offset - repeatedRowEnd));
            }
        }
        int height = (offset + all.stream().mapToInt(p -> p.path("gridPos").path("y").asInt()
                + p.path("gridPos").path("h").asInt()).max().orElse(0) - repeatedRowEnd) * ROW_PX;
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + dashboard.path("title")
                .asText() + "</title><style>body{margin:0;background:#111217;color:#ccccdc;font:12px system-ui,"
                + "sans-serif}.board{position:relative;width:" + 24 * COLUMN_PX + "px;height:" + height + "px;margin:8px}"
                + ".panel{position:absolute;box-sizing:border-box;background:#181b1f;border:1px solid #2c3235;"
                + "border-radius:2px;padding:4px 8px}.panel h3{margin:0 0 2px;font-size:12px;font-weight:500}"
                + ".row{position:absolute;font-size:14px;font-weight:600}.legend span{margin-right:8px;white-space:nowrap}"
                + "</style></head><body><p style=\"margin:8px\">" + dashboard.path("title").asText() + " &middot; "
                + from + " to " + to + " &middot; drawn from the dashboard JSON against a real Prometheus scraping "
                + "make run</p><div class=\"board\">" + panels + "</div></body></html>";
    }

    private String panel(JsonNode panel, Map<String, String> variables, Instant from, Instant to, int rowOffset)
            throws IOException {
        JsonNode grid = panel.path("gridPos");
        int x = grid.path("x").asInt() * COLUMN_PX;
        int y = (grid.path("y").asInt() + rowOffset) * ROW_PX;
        int w = grid.path("w").asInt() * COLUMN_PX - 4;
        int h = grid.path("h").asInt() * ROW_PX - 4;
        String title = fill(panel.path("title").asText(), variables);
        if (panel.path("type").asText().equals("row")) {
            return "<div class=\"row\" style=\"left:" + x + "px;top:" + (y + 6) + "px\">" + escape(title) + "</div>";
        }
        List<Series> series = new ArrayList<>();
        for (JsonNode target : panel.path("targets")) {
            series.addAll(queryRange(fill(target.path("expr").asText(), variables), target.path("legendFormat")
                    .asText(""), from, to));
        }
        String unit = panel.path("fieldConfig").path("defaults").path("unit").asText("short");
        return "<div class=\"panel\" style=\"left:" + x + "px;top:" + y + "px;width:" + w + "px;height:" + h + "px\">"
                + "<h3>" + escape(title) + "</h3>" + chart(series, w - 16, h - 52, unit, from, to) + legend(series)
                + "</div>";
    }

    private record Series(String name, List<double[]> points) {
    }

    private List<Series> queryRange(String expr, String legendFormat, Instant from, Instant to) throws IOException {
        String step = Math.max(SCRAPE_EVERY.toSeconds(), Duration.between(from, to).toSeconds() / 120) + "s";
        String query = expr.replace("$__rate_interval", RATE_INTERVAL).replace("$__interval", step);
        URI url = prometheus.resolve("/api/v1/query_range?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&start=" + from.getEpochSecond() + "&end=" + to.getEpochSecond() + "&step=" + step);
        JsonNode answer;
        try {
            answer = JSON.readTree(http.send(HttpRequest.newBuilder(url).build(), BodyHandlers.ofString()).body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (!answer.path("status").asText().equals("success")) {
            throw new IOException("Prometheus refused " + query + ": " + answer.path("error").asText());
        }
        List<Series> series = new ArrayList<>();
        for (JsonNode result : answer.path("data").path("result")) {
            List<double[]> points = new ArrayList<>();
            for (JsonNode value : result.path("values")) {
                double v = Double.parseDouble(value.get(1).asText());
                if (Double.isFinite(v)) {
                    points.add(new double[] { value.get(0).asDouble(), v });
                }
            }
            series.add(new Series(legend(legendFormat, result.path("metric")), points));
        }
        return series;
    }

    private static String legend(String format, JsonNode labels) {
        if (format.isBlank()) {
            return labels.toString();
        }
        Matcher label = LABEL.matcher(format);
        return label.replaceAll(match -> Matcher.quoteReplacement(labels.path(match.group(1)).asText()));
    }

    private static String chart(List<Series> series, int w, int h, String unit, Instant from, Instant to) {
        double max = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(0);
        double span = Math.max(1, to.getEpochSecond() - from.getEpochSecond());
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < series.size(); i++) {
            StringBuilder points = new StringBuilder();
            for (double[] p : series.get(i).points()) {
                double px = (p[0] - from.getEpochSecond()) / span * w;
                double py = h - (max == 0 ? 0 : p[1] / max * (h - 4));
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            lines.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(COLOURS[i % COLOURS.length])
                    .append("\" points=\"").append(points.toString().strip()).append("\"/>");
        }
        String empty = series.stream().allMatch(s -> s.points().isEmpty())
                ? "<text x=\"" + w / 2 + "\" y=\"" + h / 2 + "\" fill=\"#8e8e8e\" text-anchor=\"middle\">No data</text>"
                : "";
        return "<svg width=\"" + w + "\" height=\"" + h + "\"><line x1=\"0\" y1=\"" + h + "\" x2=\"" + w + "\" y2=\""
                + h + "\" stroke=\"#2c3235\"/><text x=\"2\" y=\"10\" fill=\"#8e8e8e\">" + format(max, unit) + "</text>"
                + lines + empty + "</svg>";
    }

    private static String legend(List<Series> series) {
        StringBuilder legend = new StringBuilder("<div class=\"legend\">");
        for (int i = 0; i < series.size() && i < 6; i++) {
            legend.append("<span style=\"color:").append(COLOURS[i % COLOURS.length]).append("\">&#9644; ")
                    .append(escape(series.get(i).name())).append("</span>");
        }
        return legend.append(series.size() > 6 ? "<span>+" + (series.size() - 6) + " more</span>" : "")
                .append("</div>").toString();
    }

    /** The largest value, in the panel's Grafana unit. */
    private static String format(double value, String unit) {
        return switch (unit) {
            case "reqps" -> String.format("%.2f req/s", value);
            case "s" -> value < 1 ? String.format("%.1f ms", value * 1000) : String.format("%.2f s", value);
            case "bytes" -> String.format("%.0f MiB", value / (1024 * 1024));
            default -> String.format("%.2f", value);
        };
    }

    private static String fill(String text, Map<String, String> variables) {
        String filled = text;
        for (var variable : variables.entrySet()) {
            filled = filled.replace(variable.getKey(), variable.getValue());
        }
        return filled;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A PNG of the page by headless Chromium, when there is one. */
    private static void screenshot(Path html, Path png) throws IOException, InterruptedException {
        for (String browser : List.of("chromium", "chromium-browser", "google-chrome")) {
            try {
                Process shot = new ProcessBuilder(browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=" + (24 * COLUMN_PX + 16) + ",1900",
                        "--screenshot=" + png, html.toUri().toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (shot.waitFor() == 0) {
                    System.out.println("Screenshot: " + png);
                    return;
                }
            } catch (IOException notInstalled) {
                // the next name
            }
        }
        System.out.println("No Chromium found: open the HTML page instead");
    }
}
