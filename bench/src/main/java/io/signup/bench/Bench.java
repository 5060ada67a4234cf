package io.signup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;

import io.signup.local.LocalStack;
import io.signup.testing.FunctionProcess;
import io.signup.testing.TestDatabase;

/**
 * {@code make bench}: how fast the packaged functions start, how much they hold, how they keep up with their
 * database, and how long a signup takes to become a mail, on this machine. Prints one table and writes it, with the
 * raw figures as JSON, under {@code target/bench/}. Every figure is the median of several runs with min and max, and
 * every comparison is a ratio of figures measured in the same bench run.
 */
public final class Bench {

    /** An application to start: its jar, environment, and the real request whose first 2xx ends its start. */
    private record App(String name, Path jar, Map<String, String> env, Function<URI, HttpRequest> request,
            int okStatus) {
    }

    private static final List<Integer> CONCURRENCY = List.of(1, 8, 32, 64);
    private static final int PAGE_CONCURRENCY = 32;
    private static final int REQUESTS_BEFORE_RSS = 1000;

    private final Path root;
    private final Path out;
    private final int coldRuns = setting("BENCH_RUNS", 5);
    private final int loadRuns = setting("BENCH_LOAD_RUNS", 3);
    private final Duration loadTime = Duration.ofSeconds(setting("BENCH_SECONDS", 5));
    private final int e2eRate = setting("BENCH_E2E_RATE", 10);
    private final Duration e2eTime = Duration.ofSeconds(setting("BENCH_E2E_SECONDS", 10));
    /** Every signup comes from one client here: the abuse limits would refuse the load itself. */
    private static final Map<String, String> UNLIMITED = Map.of("SIGNUP_LIMITS_CLIENT_MAX", "1000000000",
            "SIGNUP_LIMITS_MAILBOX_MAX", "1000000000");

    private final Optional<Path> aotJavaHome = Optional.ofNullable(System.getenv("BENCH_JAVA_HOME"))
            .filter(home -> !home.isBlank()).map(Path::of);
    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final Report report = new Report();

    /** BENCH_ONLY=save,page runs only those sections (start, aot, save, e2e, page); unset runs all. */
    private final Set<String> only = Optional.ofNullable(System.getenv("BENCH_ONLY")).filter(v -> !v.isBlank())
            .map(v -> Set.of(v.split(","))).orElse(Set.of());

    private Bench(Path root) {
        this.root = root;
        this.out = root.resolve("target/bench");
    }

    public static void main(String[] args) throws Exception {
        // The table is the output; the SMTP server's and Postgres's INFO lines would bury the progress lines.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path root = Path.of(System.getProperty("signup.root", ".")).toAbsolutePath().normalize();
        new Bench(root).run();
    }

    private void run() throws IOException {
        Instant began = Instant.now();
        Files.createDirectories(out);
        results.put("machine", Machine.describe(java, aotJavaHome));
        report.header(began, (Map<?, ?>) results.get("machine"), coldRuns, loadRuns, loadTime);

        TestDatabase database = new TestDatabase();
        database.start();
        Map<String, Object> postgres = new LinkedHashMap<>();
        postgres.put("version", database.query("show server_version").get(0).get("server_version"));
        postgres.put("fsync", database.query("show fsync").get(0).get("fsync"));
        postgres.put("synchronous_commit", database.query("show synchronous_commit").get(0).get("synchronous_commit"));
        results.put("postgres", postgres);
        report.database(postgres);
        HttpServer sink = acceptingSink();
        GreenMail mail = new GreenMail(new ServerSetup(FunctionProcess.freePort(), "localhost", "smtp"));
        mail.start();
        try {
            List<App> apps = apps(database, "http://localhost:" + sink.getAddress().getPort() + "/",
                    mail.getSmtp().getPort());
            migrate(apps.get(2), database);
            if (selected("start")) {
                coldStarts(apps);
            }
            if (selected("aot")) {
                aotStarts(apps);
            }
            if (selected("save")) {
                saveEmailThroughput(apps.get(2), database);
            }
            if (selected("e2e")) {
                endToEnd();
            }
            if (selected("page")) {
                pageThroughput(apps.get(1));
            }
        } finally {
            mail.stop();
            sink.stop(0);
            database.stop();
        }
        results.put("seconds", Duration.between(began, Instant.now()).toSeconds());
        report.footer(Duration.between(began, Instant.now()));
        String table = report.toString();
        System.out.print(table);
        Files.writeString(out.resolve("latest.txt"), table);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String stamp = began.truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
        json.writeValue(out.resolve("bench-" + stamp + ".json").toFile(), results);
        json.writeValue(out.resolve("latest.json").toFile(), results);
        System.out.println("Written: " + root.relativize(out.resolve("latest.txt")) + ", "
                + root.relativize(out.resolve("latest.json")));
    }

    private List<App> apps(TestDatabase database, String sinkUrl, int smtpPort) {
        Map<String, String> save = new LinkedHashMap<>(
                FunctionProcess.saveEmailEnvironment(database, sinkUrl, List.of("http://localhost:8080")));
        // As the Knative Service runs it: the migration Job owns the schema, a cold start does not migrate.
        save.put("QUARKUS_FLYWAY_MIGRATE_AT_START", "false");
        save.putAll(UNLIMITED);
        Map<String, String> send = new LinkedHashMap<>(FunctionProcess.databaseEnvironment(database));
        send.putAll(Map.of("QUARKUS_MAILER_HOST", "localhost", "QUARKUS_MAILER_PORT", Integer.toString(smtpPort),
                "QUARKUS_MAILER_START_TLS", "DISABLED"));
        return List.of(
                new App("empty REST app", jar("bench/baseline-app"), Map.of(), Requests.hello(), 200),
                new App("render-html-fn", jar("render-html-fn"),
                        Map.of("SAVE_EMAIL_URL", "http://localhost:8081/saveEmail"), Requests.page(), 200),
                new App("save-email-fn", jar("save-email-fn"), save, Requests.signup(), 200),
                new App("send-email-fn", jar("send-email-fn"), send, Requests.event(), 204));
    }

    private Path jar(String module) {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run make build first");
        }
        return jar;
    }

    /** The schema, once, as the migration Job would create it; not timed. */
    private void migrate(App save, TestDatabase database) {
        Map<String, String> env = new LinkedHashMap<>(save.env());
        env.put("QUARKUS_FLYWAY_MIGRATE_AT_START", "true");
        try (Launch launch = launch(new App(save.name(), save.jar(), env, save.request(), save.okStatus()), java,
                List.of())) {
            launch.millisToFirstSuccess(save.request());
        }
        progress("schema migrated in " + database.reactiveUrl());
    }

    /** 1 and 5: start to first 2xx, RSS then, and RSS after 1,000 more requests; runs interleave the apps. */
    private void coldStarts(List<App> apps) {
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        for (int run = 1; run <= coldRuns; run++) {
            for (App app : apps) {
                try (Launch launch = launch(app, java, List.of())) {
                    double millis = launch.millisToFirstSuccess(app.request());
                    double rssFirst = launch.rssMib();
                    Load.Result load = new Load(launch.url(), app.request(), app.okStatus())
                            .forRequests(4, REQUESTS_BEFORE_RSS);
                    double rssAfter = launch.rssMib();
                    samples.computeIfAbsent(app.name(), name -> new ArrayList<>())
                            .add(new double[] {millis, rssFirst, rssAfter, load.failed()});
                    progress("cold start %d/%d %s: %.0f ms, %.1f MiB, %.1f MiB after %d requests (%d failed)", run,
                            coldRuns, app.name(), millis, rssFirst, rssAfter, REQUESTS_BEFORE_RSS, load.failed());
                }
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        Figure floor = column(samples.get(apps.get(0).name()), 0);
        samples.forEach((name, runs) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("app", name);
            row.put("startMillis", column(runs, 0));
            row.put("rssMibAtFirstResponse", column(runs, 1));
            row.put("rssMibAfter1000Requests", column(runs, 2));
            row.put("failedOf1000", column(runs, 3));
            row.put("startVsEmptyRestApp", column(runs, 0).median() / floor.median());
            rows.add(row);
        });
        results.put("coldStart", rows);
        report.coldStarts(Machine.javaVersion(java), rows);
    }

    /** 1, with a JDK AOT cache: trained by a real run of each app, compared with the same JDK without it. */
    private void aotStarts(List<App> apps) {
        if (aotJavaHome.isEmpty()) {
            results.put("aotCache", "skipped: set BENCH_JAVA_HOME to a JDK 25 or later");
            report.note("AOT cache: skipped (set BENCH_JAVA_HOME to a JDK 25+)");
            return;
        }
        Path java25 = aotJavaHome.get().resolve("bin/java");
        Map<String, Path> caches = new LinkedHashMap<>();
        for (App app : apps) {
            Path cache = out.resolve("aot").resolve(app.name().replace(' ', '-') + ".aot");
            try {
                Files.createDirectories(cache.getParent());
                Files.deleteIfExists(cache);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Training run: the JVM records what the start and 1,000 requests load and link, and writes the
            // cache when the process exits.
            try (Launch training = launch(app, java25, List.of("-XX:AOTCacheOutput=" + cache))) {
                training.millisToFirstSuccess(app.request());
                new Load(training.url(), app.request(), app.okStatus()).forRequests(4, REQUESTS_BEFORE_RSS);
            }
            if (!Files.isRegularFile(cache)) {
                throw new IllegalStateException("no AOT cache written for " + app.name() + "; see its log");
            }
            caches.put(app.name(), cache);
            progress("AOT cache for %s: %.1f MiB", app.name(), size(cache));
        }
        Map<String, List<double[]>> plain = new LinkedHashMap<>();
        Map<String, List<double[]>> cached = new LinkedHashMap<>();
        for (int run = 1; run <= coldRuns; run++) {
            for (App app : apps) {
                plain.computeIfAbsent(app.name(), n -> new ArrayList<>()).add(startOnce(app, java25, List.of()));
                cached.computeIfAbsent(app.name(), n -> new ArrayList<>())
                        .add(startOnce(app, java25, List.of("-XX:AOTCache=" + caches.get(app.name()))));
                progress("AOT run %d/%d %s", run, coldRuns, app.name());
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (App app : apps) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("app", app.name());
            row.put("startMillis", column(plain.get(app.name()), 0));
            row.put("startMillisWithAotCache", column(cached.get(app.name()), 0));
            row.put("rssMib", column(plain.get(app.name()), 1));
            row.put("rssMibWithAotCache", column(cached.get(app.name()), 1));
            row.put("aotCacheMib", size(caches.get(app.name())));
            row.put("aotVsPlain", column(cached.get(app.name()), 0).median() / column(plain.get(app.name()), 0).median());
            rows.add(row);
        }
        results.put("aotCache", rows);
        report.aot(Machine.javaVersion(java25), rows);
    }

    private double[] startOnce(App app, Path javaBinary, List<String> jvmArgs) {
        try (Launch launch = launch(app, javaBinary, jvmArgs)) {
            double millis = launch.millisToFirstSuccess(app.request());
            return new double[] {millis, launch.rssMib()};
        }
    }

    /** 2: closed-loop signups at each concurrency, then pgbench's single-row INSERT at the same concurrency. */
    private void saveEmailThroughput(App save, TestDatabase database) {
        Optional<PgBench> pgbench = PgBench.find(database, out.resolve("pgbench"));
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Launch launch = launch(save, java, List.of())) {
            launch.millisToFirstSuccess(save.request());
            Load load = new Load(launch.url(), save.request(), save.okStatus());
            load.forDuration(8, loadTime); // warm-up: JIT, pools
            for (int concurrency : CONCURRENCY) {
                Map<String, Object> row = measure(load, concurrency, "signupsPerSecond");
                if (pgbench.isPresent()) {
                    List<Double> tps = new ArrayList<>();
                    for (int run = 0; run < loadRuns; run++) {
                        tps.add(pgbench.get().transactionsPerSecond(concurrency, (int) loadTime.toSeconds()));
                    }
                    row.put("pgbenchInsertsPerSecond", Figure.of(tps));
                    row.put("functionVsCeiling",
                            ((Figure) row.get("signupsPerSecond")).median() / Figure.of(tps).median());
                }
                progress("save-email-fn c=%d: %s", concurrency, row);
                rows.add(row);
            }
            results.put("saveEmailRssMibAfterThroughput", launch.rssMib());
        }
        results.put("saveEmail", rows);
        report.saveEmail(rows, pgbench.isPresent());
    }

    /** 4: the page at concurrency 32. */
    private void pageThroughput(App render) {
        try (Launch launch = launch(render, java, List.of())) {
            launch.millisToFirstSuccess(render.request());
            Load load = new Load(launch.url(), render.request(), render.okStatus());
            load.forDuration(PAGE_CONCURRENCY, Duration.ofSeconds(3)); // warm-up
            Map<String, Object> row = measure(load, PAGE_CONCURRENCY, "requestsPerSecond");
            results.put("renderHtml", row);
            report.page(row);
        }
    }

    /** {@code loadRuns} closed-loop runs at {@code concurrency}: rate, p50 and p99, each over the runs. */
    private Map<String, Object> measure(Load load, int concurrency, String rateName) {
        List<Double> rate = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        long failed = 0;
        for (int run = 0; run < loadRuns; run++) {
            Load.Result result = load.forDuration(concurrency, loadTime);
            rate.add(result.perSecond());
            p50.add(result.percentileMillis(50));
            p99.add(result.percentileMillis(99));
            failed += result.failed();
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("concurrency", concurrency);
        row.put(rateName, Figure.of(rate));
        row.put("p50Millis", Figure.of(p50));
        row.put("p99Millis", Figure.of(p99));
        row.put("failed", failed);
        return row;
    }

    /** 3: the make run stack, signups at a steady rate, each until its mail is accepted. */
    private void endToEnd() throws IOException {
        Path runDirectory = Files.createTempDirectory("signup-bench-stack");
        LocalStack.Settings settings = new LocalStack.Settings(root, runDirectory, FunctionProcess.freePort(),
                FunctionProcess.freePort(), FunctionProcess.freePort(), FunctionProcess.freePort(),
                FunctionProcess.freePort(), FunctionProcess.freePort(), FunctionProcess.freePort());
        try (LocalStack stack = LocalStack.start(settings,
                new LocalStack.Overrides(Map.of("save-email-fn", UNLIMITED), null, null, null))) {
            EndToEnd e2e = new EndToEnd(URI.create("http://localhost:" + settings.savePort()), stack.inbox());
            e2e.run(e2eRate, Duration.ofSeconds(3)); // warm-up
            List<Double> p50 = new ArrayList<>();
            List<Double> p95 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            int sent = 0;
            int delivered = 0;
            int failedPosts = 0;
            for (int run = 0; run < loadRuns; run++) {
                EndToEnd.Result result = e2e.run(e2eRate, e2eTime);
                p50.add(result.percentileMillis(50));
                p95.add(result.percentileMillis(95));
                p99.add(result.percentileMillis(99));
                sent += result.sent();
                delivered += result.delivered();
                failedPosts += result.failedPosts();
                progress("end to end run %d: %d sent, %d mailed, p50 %.1f ms", run + 1, result.sent(),
                        result.delivered(), result.percentileMillis(50));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("signupsPerSecond", e2eRate);
            row.put("secondsPerRun", e2eTime.toSeconds());
            row.put("p50Millis", Figure.of(p50));
            row.put("p95Millis", Figure.of(p95));
            row.put("p99Millis", Figure.of(p99));
            row.put("sent", sent);
            row.put("mailed", delivered);
            row.put("failedPosts", failedPosts);
            results.put("endToEnd", row);
            report.endToEnd(row);
        }
    }

    private boolean selected(String section) {
        return only.isEmpty() || only.contains(section);
    }

    private Launch launch(App app, Path javaBinary, List<String> jvmArgs) {
        return Launch.start(app.name(), javaBinary, jvmArgs, app.jar(), FunctionProcess.freePort(), app.env(),
                out.resolve("logs").resolve(app.name().replace(' ', '-') + ".log"));
    }

    /** Stands in for the Broker's ingress in 1 and 2: takes every event with 202, on several threads. */
    private static HttpServer acceptingSink() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 512);
        ExecutorService threads = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "sink");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static Figure column(List<double[]> runs, int index) {
        return Figure.of(runs.stream().map(run -> run[index]).toList());
    }

    private static double size(Path file) {
        try {
            return Files.size(file) / (1024.0 * 1024.0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int setting(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value);
    }

    private static void progress(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }
}
