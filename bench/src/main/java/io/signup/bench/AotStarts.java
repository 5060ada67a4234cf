package io.signup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 1b. Cold start with a JDK AOT cache (JDK 25+): a training run per app (start plus 1,000 real requests; the cache
 * is written when the process exits), then the same cold start with and without the cache, on that JDK.
 */
final class AotStarts {

    record Row(String app, Figure startMillis, Figure startMillisWithAotCache, Figure rssMib,
            Figure rssMibWithAotCache, double aotCacheMib, double aotVsPlain) {
    }

    private AotStarts() {
    }

    static List<Row> run(Runner jdk25, List<App> apps, int runs, Path caches) {
        Map<App, Path> trained = new LinkedHashMap<>();
        for (App app : apps) {
            trained.put(app, train(jdk25, app, caches.resolve(app.name().replace(' ', '-') + ".aot")));
        }
        Map<App, List<double[]>> plain = new LinkedHashMap<>();
        Map<App, List<double[]>> cached = new LinkedHashMap<>();
        for (int run = 1; run <= runs; run++) {
            for (App app : apps) {
                plain.computeIfAbsent(app, a -> new ArrayList<>()).add(startOnce(jdk25, app, List.of()));
                cached.computeIfAbsent(app, a -> new ArrayList<>())
                        .add(startOnce(jdk25, app, List.of("-XX:AOTCache=" + trained.get(app))));
                Bench.progress("AOT run %d/%d %s", run, runs, app.name());
            }
        }
        List<Row> rows = new ArrayList<>();
        for (App app : apps) {
            Figure start = Bench.column(plain.get(app), 0);
            Figure startCached = Bench.column(cached.get(app), 0);
            rows.add(new Row(app.name(), start, startCached, Bench.column(plain.get(app), 1),
                    Bench.column(cached.get(app), 1), mebibytes(trained.get(app)), startCached.median() / start.median()));
        }
        return rows;
    }

    /** The JVM records what the start and 1,000 requests load and link, and writes the cache when it exits. */
    private static Path train(Runner jdk25, App app, Path cache) {
        try {
            Files.createDirectories(cache.getParent());
            Files.deleteIfExists(cache);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Launch training = jdk25.launch(app, List.of("-XX:AOTCacheOutput=" + cache))) {
            training.millisToFirstSuccess(app.request());
            new Load(training.url(), app.request(), app.okStatus()).forRequests(4, ColdStarts.REQUESTS_BEFORE_RSS);
        }
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("no AOT cache written for " + app.name() + "; see its log");
        }
        Bench.progress("AOT cache for %s: %.1f MiB", app.name(), mebibytes(cache));
        return cache;
    }

    private static double[] startOnce(Runner jvm, App app, List<String> args) {
        try (Launch launch = jvm.launch(app, args)) {
            double millis = launch.millisToFirstSuccess(app.request());
            return new double[] {millis, launch.rssMib()};
        }
    }

    private static double mebibytes(Path file) {
        try {
            return Files.size(file) / (1024.0 * 1024.0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
