package io.signup.local;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The inbox's figures page: {@code make stats}'s table, then per function small charts of the last minutes, one
 * point per scrape: invocations, errors (5xx), p50 and p99 request time, CPU per call, and its cold starts. Inline
 * SVG, no script: the page reloads itself like the rest of the inbox.
 */
final class FiguresPage {

    private static final int WIDTH = 180;
    private static final int HEIGHT = 40;

    private FiguresPage() {
    }

    static String body(FunctionFigures figures) {
        StringBuilder table = new StringBuilder(Stats.header()).append('\n');
        StringBuilder charts = new StringBuilder();
        for (String function : figures.names()) {
            FunctionFigures.Scrape latest = figures.latest(function);
            table.append(latest == null ? String.format("%-16s not answering yet", function)
                    : Stats.row(function, latest.figures())).append('\n');
            List<FunctionFigures.Interval> intervals = figures.intervals(function);
            charts.append("<section class=\"function\"><h2>").append(function).append("</h2><div class=\"charts\">")
                    .append(chart("invocations", intervals, FunctionFigures.Interval::invocations, "%.0f"))
                    .append(chart("errors (5xx)", intervals, FunctionFigures.Interval::errors, "%.0f"))
                    .append(chart("p50 ms", intervals, FunctionFigures.Interval::p50Ms, "%.1f"))
                    .append(chart("p99 ms", intervals, FunctionFigures.Interval::p99Ms, "%.1f"))
                    .append(chart("CPU ms per call", intervals, FunctionFigures.Interval::cpuMsPerCall, "%.2f"))
                    .append(coldStarts(figures.starts(function), latest))
                    .append("</div></section>\n");
        }
        return "<p><a href=\"/\">&larr; Inbox</a> &middot; per function, from its own /q/metrics, one point per "
                + "scrape (every 2 s, the last 5 minutes); what <code>make stats</code> prints:</p><pre>" + table
                + "</pre>" + charts;
    }

    /** A sparkline of {@code value} over the intervals, scaled from 0 to its largest finite value. */
    static String chart(String title, List<FunctionFigures.Interval> intervals,
            ToDoubleFunction<FunctionFigures.Interval> value, String format) {
        double max = intervals.stream().mapToDouble(value).filter(Double::isFinite).max().orElse(0);
        StringBuilder points = new StringBuilder();
        StringBuilder lines = new StringBuilder();
        int n = Math.max(1, intervals.size() - 1);
        for (int i = 0; i < intervals.size(); i++) {
            double v = value.applyAsDouble(intervals.get(i));
            if (!Double.isFinite(v)) {
                lines.append(polyline(points));
                points.setLength(0);
                continue;
            }
            double x = (double) i * WIDTH / n;
            double y = HEIGHT - 2 - (max == 0 ? 0 : v / max * (HEIGHT - 4));
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        lines.append(polyline(points));
        double last = intervals.isEmpty() ? Double.NaN : value.applyAsDouble(intervals.get(intervals.size() - 1));
        String now = Double.isNaN(last) ? "-" : Double.isInfinite(last) ? "> max" : String.format(format, last);
        return "<figure class=\"chart\"><figcaption>" + title + ": <b>" + now + "</b> <small>(max "
                + String.format(format, max) + ")</small></figcaption><svg viewBox=\"0 0 " + WIDTH + " " + HEIGHT
                + "\" width=\"" + WIDTH + "\" height=\"" + HEIGHT + "\" role=\"img\" aria-label=\"" + title
                + "\"><line x1=\"0\" y1=\"" + (HEIGHT - 1) + "\" x2=\"" + WIDTH + "\" y2=\"" + (HEIGHT - 1)
                + "\" stroke=\"#ccd\"/>" + lines + "</svg></figure>";
    }

    private static String polyline(StringBuilder points) {
        return points.isEmpty() ? "" : "<polyline fill=\"none\" stroke=\"#2563eb\" stroke-width=\"1.5\" points=\""
                + points.toString().strip() + "\"/>";
    }

    private static String coldStarts(int starts, FunctionFigures.Scrape latest) {
        double seconds = latest == null ? 0 : latest.figures().coldStartSeconds();
        // On Knative a request starts the process; here the first request may come long after the start.
        return "<figure class=\"chart\"><figcaption>cold starts: <b>" + starts + "</b></figcaption><p class=\"big\">"
                + (seconds > 0 ? String.format("%.0f ms", seconds * 1000) : "-")
                + "</p><small>process start to its first request's end</small></figure>";
    }
}
