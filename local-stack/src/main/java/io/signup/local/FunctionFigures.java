package io.signup.local;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The inbox's figures page's data: every function's {@link Stats.Figures}, scraped at a fixed interval and kept for a
 * few minutes, and what changed between two scrapes (invocations, errors, p50/p99, CPU per call), which is what the
 * page charts. A counter that went down belongs to a new process (a restart, a cold start): its value is the change.
 */
final class FunctionFigures implements AutoCloseable {

    /** One scrape. */
    record Scrape(Instant at, Stats.Figures figures) {
    }

    /** What happened between two scrapes; NaN where nothing was served. */
    record Interval(Instant at, double invocations, double errors, double p50Ms, double p99Ms, double cpuMsPerCall) {
    }

    private final Map<String, String> functions;
    private final int kept;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Map<String, Deque<Scrape>> scrapes = new LinkedHashMap<>();
    private final Map<String, Integer> starts = new LinkedHashMap<>();
    private final ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "function-figures");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param functions each function's name and URL, in the order the page shows them
     * @param every     time between scrapes
     * @param kept      how many scrapes each function keeps
     */
    FunctionFigures(Map<String, String> functions, Duration every, int kept) {
        this.functions = functions;
        this.kept = kept;
        functions.keySet().forEach(name -> scrapes.put(name, new ArrayDeque<>()));
        scraper.scheduleWithFixedDelay(this::scrapeAll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scrapeAll() {
        for (var function : functions.entrySet()) {
            try {
                add(function.getKey(), new Scrape(Instant.now(), Stats.scrape(http, function.getValue())));
            } catch (IOException notRunningNow) {
                // starting, restarting or stopped: a gap in its charts
            }
        }
    }

    synchronized void add(String function, Scrape scrape) {
        Deque<Scrape> history = scrapes.get(function);
        Scrape last = history.peekLast();
        if (last == null || last.figures().startedAt() != scrape.figures().startedAt()) {
            starts.merge(function, 1, Integer::sum);
        }
        history.addLast(scrape);
        while (history.size() > kept) {
            history.removeFirst();
        }
    }

    synchronized List<String> names() {
        return List.copyOf(scrapes.keySet());
    }

    /** The latest scrape of {@code function}, or null when none succeeded yet. */
    synchronized Scrape latest(String function) {
        return scrapes.get(function).peekLast();
    }

    /** How many processes of {@code function} were seen start (each a cold start). */
    synchronized int starts(String function) {
        return starts.getOrDefault(function, 0);
    }

    synchronized List<Interval> intervals(String function) {
        List<Interval> intervals = new ArrayList<>();
        Scrape previous = null;
        for (Scrape scrape : scrapes.get(function)) {
            if (previous != null) {
                intervals.add(between(previous.figures(), scrape));
            }
            previous = scrape;
        }
        return intervals;
    }

    static Interval between(Stats.Figures before, Scrape after) {
        Stats.Figures now = after.figures();
        // A new process started from zero: what it shows is all new.
        Stats.Figures base = now.startedAt() != before.startedAt() ? null : before;
        double invocations = now.invocations() - (base == null ? 0 : base.invocations());
        double errors = now.errors() - (base == null ? 0 : base.errors());
        double cpuSeconds = now.cpuSeconds() - (base == null ? 0 : base.cpuSeconds());
        TreeMap<Double, Double> buckets = new TreeMap<>(now.buckets());
        if (base != null) {
            base.buckets().forEach((bound, count) -> buckets.merge(bound, -count, Double::sum));
        }
        return new Interval(after.at(), invocations, errors, 1000 * Stats.quantile(buckets, 0.50),
                1000 * Stats.quantile(buckets, 0.99), invocations == 0 ? Double.NaN : 1000 * cpuSeconds / invocations);
    }

    @Override
    public void close() {
        scraper.shutdownNow();
    }
}
