package io.signup.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The metric names a PromQL expression reads: what is left once Grafana variables, strings, label matchers, ranges,
 * grouping clauses, function calls, keywords and numbers are taken out.
 */
final class PromQl {

    /** Grafana's variables ({@code $function}, {@code ${datasource}}, {@code $__rate_interval}). */
    private static final Pattern VARIABLES = Pattern.compile("\\$\\{?\\w+}?");
    private static final Pattern STRINGS = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])[a-zA-Z_:][\\w:]*(?![\\w:])(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PromQl() {
    }

    static Set<String> metricNames(String expression) {
        String rest = VARIABLES.matcher(expression).replaceAll(" ");
        rest = STRINGS.matcher(rest).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGES.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifiers = IDENTIFIER.matcher(rest);
        while (identifiers.find()) {
            String name = identifiers.group().replaceAll("[\\s(]", "");
            if (identifiers.group(1) == null && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** Every metric the panels of a Grafana dashboard (JSON) read. */
    static Set<String> dashboardMetricNames(Path dashboard) throws IOException {
        Set<String> names = new TreeSet<>();
        YAML.readTree(dashboard.toFile()).path("panels").forEach(panel -> panel.path("targets")
                .forEach(target -> names.addAll(metricNames(target.path("expr").asText()))));
        return names;
    }

    /** Every metric the alerts of a PrometheusRule manifest read. */
    static Set<String> ruleMetricNames(Path prometheusRule) throws IOException {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : YAML.readTree(prometheusRule.toFile()).path("spec").path("groups")) {
            group.path("rules").forEach(rule -> names.addAll(metricNames(rule.path("expr").asText())));
        }
        return names;
    }
}
