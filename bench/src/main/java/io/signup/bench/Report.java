package io.signup.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** The table make bench prints: one section per question, every figure "median [min–max]". */
final class Report {

    private final StringBuilder text = new StringBuilder();

    void header(Instant began, Map<?, ?> machine, int coldRuns, int loadRuns, Duration loadTime) {
        line("make bench, %s", began.truncatedTo(ChronoUnit.SECONDS));
        line("Machine: %s cores (%s), %.1f GiB, %s; %s", machine.get("cores"), machine.get("cpu"),
                machine.get("memoryGib"), machine.get("os"), machine.get("jdk"));
        line("Figures: median [min–max]; %d runs per cold start, %d runs of %d s per load figure. The load",
                coldRuns, loadRuns, loadTime.toSeconds());
        line("generator, Postgres and the function share this machine.");
    }

    void database(Map<?, ?> postgres) {
        line("Postgres: %s (embedded; fsync=%s, synchronous_commit=%s), the same server for function and pgbench.",
                postgres.get("version"), postgres.get("fsync"), postgres.get("synchronous_commit"));
    }

    void coldStarts(String jdk, List<Map<String, Object>> rows) {
        section("1+5. Cold start: process start to first 2xx of a real request; RSS then and after 1,000 requests");
        line("JVM: %s, default options", jdk);
        line("%-16s %22s %8s %22s %22s", "app", "start ms", "vs empty", "RSS MiB at first 2xx", "RSS MiB after 1,000");
        for (Map<String, Object> row : rows) {
            line("%-16s %22s %7.2fx %22s %22s", row.get("app"), fig(row, "startMillis", 0),
                    (double) row.get("startVsEmptyRestApp"), fig(row, "rssMibAtFirstResponse", 1),
                    fig(row, "rssMibAfter1000Requests", 1));
        }
    }

    void aot(String jdk, List<Map<String, Object>> rows) {
        section("1b. Cold start with a JDK AOT cache (trained on 1,000 real requests), same JDK without it");
        line("JVM: %s", jdk);
        line("%-16s %22s %22s %8s %20s %10s", "app", "start ms", "with AOT cache", "ratio", "RSS MiB with AOT",
                "cache MiB");
        for (Map<String, Object> row : rows) {
            line("%-16s %22s %22s %7.2fx %20s %10.1f", row.get("app"), fig(row, "startMillis", 0),
                    fig(row, "startMillisWithAotCache", 0), (double) row.get("aotVsPlain"),
                    fig(row, "rssMibWithAotCache", 1), (double) row.get("aotCacheMib"));
        }
    }

    void saveEmail(List<Map<String, Object>> rows, boolean withCeiling) {
        section("2. save-email-fn: closed-loop signups (validate, store, outbox, publish) vs Postgres single-row INSERT");
        line("%5s %22s %20s %20s %22s %9s", "conc.", "signups/s", "p50 ms", "p99 ms", "pgbench INSERT/s",
                "fn/ceil.");
        for (Map<String, Object> row : rows) {
            line("%5s %22s %20s %20s %22s %9s", row.get("concurrency"), fig(row, "signupsPerSecond", 0),
                    fig(row, "p50Millis", 1), fig(row, "p99Millis", 1),
                    withCeiling ? fig(row, "pgbenchInsertsPerSecond", 0) : "n/a (no pgbench)",
                    withCeiling ? String.format("%.3f", (double) row.get("functionVsCeiling")) : "");
        }
    }

    void endToEnd(Map<String, Object> row) {
        section("3. End to end (make run stack): POST /saveEmail to confirmation mail accepted by SMTP, via the local Broker");
        line("%s signups/s for %s s per run; %s sent, %s mailed, %s POSTs failed", row.get("signupsPerSecond"),
                row.get("secondsPerRun"), row.get("sent"), row.get("mailed"), row.get("failedPosts"));
        line("p50 %s ms   p95 %s ms   p99 %s ms", fig(row, "p50Millis", 1), fig(row, "p95Millis", 1),
                fig(row, "p99Millis", 1));
    }

    void page(Map<String, Object> row) {
        section("4. render-html-fn: GET / (gzip) at concurrency " + row.get("concurrency"));
        line("%s requests/s   p50 %s ms   p99 %s ms", fig(row, "requestsPerSecond", 0), fig(row, "p50Millis", 2),
                fig(row, "p99Millis", 2));
    }

    void note(String note) {
        text.append('\n').append(note).append('\n');
    }

    void footer(Duration took) {
        text.append('\n');
        line("Took %d min %02d s.", took.toMinutes(), took.toSecondsPart());
    }

    private static String fig(Map<String, Object> row, String key, int decimals) {
        return ((Figure) row.get(key)).format(decimals);
    }

    private void section(String title) {
        text.append('\n').append(title).append('\n');
    }

    private void line(String format, Object... args) {
        text.append(String.format(format, args)).append('\n');
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
