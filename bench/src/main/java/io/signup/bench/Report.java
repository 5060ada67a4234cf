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
                postgres.get("server_version"), postgres.get("fsync"), postgres.get("synchronous_commit"));
    }

    /** {@code runtime}: what ran, e.g. the JVM and its options, or native executables. */
    void coldStarts(String runtime, List<ColdStarts.Row> rows) {
        section("1+5. Cold start: process start to first 2xx of a real request; RSS then and after 1,000 requests");
        line("%s", runtime);
        line("%-16s %22s %8s %22s %22s %22s", "app", "start ms", "vs empty", "RSS MiB at first 2xx",
                "RSS MiB after 1,000", "of it files MiB");
        for (ColdStarts.Row row : rows) {
            line("%-16s %22s %7.2fx %22s %22s %22s", row.app(), row.startMillis().format(0), row.startVsFirst(),
                    row.rssMibAtFirstResponse().format(1), row.rssMibAfter1000Requests().format(1),
                    row.fileMibAfter1000Requests().format(1));
        }
    }

    void aot(String jdk, List<AotStarts.Row> rows) {
        section("1b. Cold start with a JDK AOT cache (trained on 1,000 real requests), same JDK without it");
        line("JVM: %s", jdk);
        line("%-16s %22s %22s %8s %20s %10s", "app", "start ms", "with AOT cache", "ratio", "RSS MiB with AOT",
                "cache MiB");
        for (AotStarts.Row row : rows) {
            line("%-16s %22s %22s %7.2fx %20s %10.1f", row.app(), row.startMillis().format(0),
                    row.startMillisWithAotCache().format(0), row.aotVsPlain(), row.rssMibWithAotCache().format(1),
                    row.aotCacheMib());
        }
    }

    void saveEmail(SaveThroughput.Result result) {
        section("2. save-email-fn: closed-loop signups (validate, store, outbox, publish) vs Postgres single-row INSERT");
        line("%5s %22s %20s %20s %22s %9s", "conc.", "signups/s", "p50 ms", "p99 ms", "pgbench INSERT/s",
                "fn/ceil.");
        for (SaveThroughput.Row row : result.rows()) {
            LoadRow signups = row.signups();
            line("%5s %22s %20s %20s %22s %9s", signups.concurrency(), signups.perSecond().format(0),
                    signups.p50Millis().format(1), signups.p99Millis().format(1),
                    result.withCeiling() ? row.pgbenchInsertsPerSecond().format(0) : "n/a (no pgbench)",
                    result.withCeiling() ? String.format("%.3f", row.functionVsCeiling()) : "");
        }
    }

    void endToEnd(EndToEndSection.Row row) {
        section("3. End to end (make run stack): POST /saveEmail to confirmation mail accepted by SMTP, via the local Broker");
        line("%s signups/s for %s s per run; %s sent, %s mailed, %s POSTs failed", row.signupsPerSecond(),
                row.secondsPerRun(), row.sent(), row.mailed(), row.failedPosts());
        line("p50 %s ms   p95 %s ms   p99 %s ms", row.p50Millis().format(1), row.p95Millis().format(1),
                row.p99Millis().format(1));
        line("crash window (SMTP 250 to the committed SENT mark): p50 %s ms   p99 %s ms",
                row.windowP50Millis().format(2), row.windowP99Millis().format(2));
    }

    void page(LoadRow row) {
        section("4. render-html-fn: GET / (gzip) at concurrency " + row.concurrency());
        line("%s requests/s   p50 %s ms   p99 %s ms", row.perSecond().format(0), row.p50Millis().format(2),
                row.p99Millis().format(2));
    }

    void costs(String runtime, int concurrency, List<Costs.Row> rows, List<Bills.Share> million,
            List<Bills.Idle> idle, boolean withStarts) {
        section("6. Cost per execution: closed loop at concurrency " + concurrency
                + "; process CPU and resident memory-time per call, beside a floor app");
        line("%s", runtime);
        line("%-16s %16s %20s %20s %7s %18s %18s %6s %6s", "app", "calls/s", "CPU ms/call", "floor CPU ms/call",
                "vs floor", "MiB·s/call", "floor MiB·s/call", "pg rt", "floor");
        for (Costs.Row row : rows) {
            line("%-16s %16s %20s %20s %6.2fx %18s %18s %6.2f %6.2f", row.app(), row.callsPerSecond().format(0),
                    row.cpuMillisPerCall().format(3), row.floorCpuMillisPerCall().format(3), row.cpuVsFloor(),
                    row.mibSecondsPerCall().format(3), row.floorMibSecondsPerCall().format(3),
                    row.roundTrips().perCall(), row.floorRoundTrips().perCall());
        }
        line("Floors: save-email-fn beside a Quarkus app that does a new signup's work with the reactive Postgres");
        line("client on the event loop (the same statements in one transaction, the same POST, the same mark);");
        line("the others beside the empty REST app. pg rt: round trips to Postgres per call, counted by Postgres");
        line("(pg_stat_statements, BEGIN and COMMIT included) over %d calls sent one at a time.", RoundTrips.CALLS);
        for (Costs.Row row : rows) {
            if (row.roundTrips().perCall() > 0) {
                line("  %s per call:", row.app());
                row.roundTrips().byStatement().forEach((statement, perCall) -> line("    %5.2f  %s", perCall,
                        statement.length() > 100 ? statement.substring(0, 97) + "..." : statement));
            }
        }
        text.append('\n');
        line("A million signups, through confirmation (per signup: 2 save-email-fn calls, 2 pages, 2 mails):");
        double cpu = 0;
        double gib = 0;
        for (Bills.Share share : million) {
            line("  %-16s %,12d calls %12.0f CPU-s %12.0f GB-s", share.function(), share.calls(), share.cpuSeconds(),
                    share.gibSeconds());
            cpu += share.cpuSeconds();
            gib += share.gibSeconds();
        }
        line("  %-16s %18s %12.0f CPU-s %12.0f GB-s", "all", "", cpu, gib);
        text.append('\n');
        line("Idle hour under knative/ (min-scale, PingSources; KPA stable window %d s + grace %d s per wake%s):",
                Bills.STABLE_WINDOW_SECONDS, Bills.SCALE_TO_ZERO_GRACE_SECONDS,
                withStarts ? " + the cold start above" : "");
        for (Bills.Idle function : idle) {
            line("  %-16s min-scale %d, %4.1f wakes/h, %6.0f pod-seconds/h", function.function(),
                    function.minScale(), function.wakesPerHour(), function.podSecondsPerHour());
        }
    }

    /**
     * 7. What a request waits for when its function has no process, from the cold-start sections measured in this
     * run: the JVM, the JDK AOT cache and the native executables, each where it ran.
     */
    void coldRequests(List<ColdStarts.Row> jvm, List<AotStarts.Row> aot, List<ColdStarts.Row> nativeStarts) {
        if (jvm.isEmpty() && nativeStarts.isEmpty()) {
            return;
        }
        section("7. Cold request: process start to the answer of the request that woke it (the platform's own");
        line("scheduling, image pull and queue-proxy come on top)");
        line("%-16s %22s %22s %22s %22s", "app", "JVM 17 ms", "JDK 25 ms", "JDK 25 + AOT cache ms", "native ms");
        List<String> apps = (jvm.isEmpty() ? nativeStarts : jvm).stream().map(ColdStarts.Row::app).toList();
        for (String app : apps) {
            ColdStarts.Row start = find(jvm, ColdStarts.Row::app, app);
            AotStarts.Row trained = find(aot, AotStarts.Row::app, app);
            ColdStarts.Row executable = find(nativeStarts, ColdStarts.Row::app, app);
            line("%-16s %22s %22s %22s %22s", app, start == null ? "n/a" : start.startMillis().format(0),
                    trained == null ? "n/a" : trained.startMillis().format(0),
                    trained == null ? "n/a" : trained.startMillisWithAotCache().format(0),
                    executable == null ? "n/a (make native)" : executable.startMillis().format(0));
        }
    }

    private static <T> T find(List<T> rows, java.util.function.Function<T, String> app, String name) {
        return rows.stream().filter(row -> app.apply(row).equals(name)).findFirst().orElse(null);
    }

    void note(String note) {
        text.append('\n').append(note).append('\n');
    }

    void footer(Duration took) {
        text.append('\n');
        line("Took %d min %02d s.", took.toMinutes(), took.toSecondsPart());
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
