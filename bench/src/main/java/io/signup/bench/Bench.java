package io.signup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.signup.peers.FunctionProcess;
import io.signup.peers.LocalIssuer;
import io.signup.peers.Packaging;
import io.signup.peers.TestDatabase;

/**
 * {@code make bench}: how fast the packaged functions start, what one execution costs, how much they hold, how they
 * keep up with their database, and how long a signup takes to become a mail, on this machine. Prints one table and
 * writes it, with the raw figures as JSON, under {@code target/bench/}. Every figure is the median of several runs
 * with min and max, and every comparison is a ratio of figures measured in the same bench run. This class holds the
 * settings and the order; each section is a class of its own.
 */
public final class Bench {

    private final Path root;
    private final Path out;
    private final int coldRuns = setting("BENCH_RUNS", 5);
    private final int loadRuns = setting("BENCH_LOAD_RUNS", 3);
    private final Duration loadTime = Duration.ofSeconds(setting("BENCH_SECONDS", 5));
    private final int e2eRate = setting("BENCH_E2E_RATE", 10);
    private final Duration e2eTime = Duration.ofSeconds(setting("BENCH_E2E_SECONDS", 10));
    private final Optional<Path> aotJavaHome = Optional.ofNullable(System.getenv("BENCH_JAVA_HOME"))
            .filter(home -> !home.isBlank()).map(Path::of);
    /**
     * Every app runs as the functions' JVM image runs them: docker/jvm.options as an argument file, and the pod's
     * memory; BENCH_JVM_OPTIONS names another argument file, or none for the JVM's defaults on this machine.
     */
    private final Runner jvm;
    /**
     * BENCH_ONLY=save,page runs only those sections (start, aot, save, e2e, page, cost, native; native with cost also
     * measures the executables' cost); unset runs all.
     */
    private final Set<String> only = Optional.ofNullable(System.getenv("BENCH_ONLY")).filter(v -> !v.isBlank())
            .map(v -> Set.of(v.split(","))).orElse(Set.of());
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final Report report = new Report();

    private Bench(Path root) {
        this.root = root;
        this.out = root.resolve("target/bench");
        String options = Optional.ofNullable(System.getenv("BENCH_JVM_OPTIONS")).filter(v -> !v.isBlank())
                .orElse(root.resolve("docker/jvm.options").toString());
        this.jvm = new Runner(Packaging.JVM, Path.of(System.getProperty("java.home"), "bin", "java"),
                options.equals("none") ? List.of() : List.of("@" + options), out.resolve("logs"));
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
        Map<String, Object> machine = Machine.describe(jvm.java(), aotJavaHome);
        results.put("machine", machine);
        results.put("jvmOptions", jvm.options());
        report.header(began, machine, coldRuns, loadRuns, loadTime);

        TestDatabase database = new TestDatabase().countingStatements();
        database.start();
        Map<String, Object> postgres = new LinkedHashMap<>();
        for (String setting : List.of("server_version", "fsync", "synchronous_commit")) {
            postgres.put(setting, database.query("show " + setting).get(0).get(setting));
        }
        results.put("postgres", postgres);
        report.database(postgres);
        GreenMail mail = new GreenMail(new ServerSetup(FunctionProcess.freePort(), "localhost", "smtp"));
        mail.start();
        // send-email-fn verifies each delivery's token, as on the cluster: the bench signs them as a Trigger would.
        LocalIssuer issuer = new LocalIssuer().start();
        try (AcceptingSink sink = new AcceptingSink()) {
            Apps apps = Apps.of(root, database, sink.url(), mail.getSmtp().getPort(), !jvm.options().isEmpty(),
                    issuer);
            migrate(apps.save());
            sections(apps, database);
        } finally {
            issuer.stop();
            mail.stop();
            database.stop();
        }
        results.put("seconds", Duration.between(began, Instant.now()).toSeconds());
        report.footer(Duration.between(began, Instant.now()));
        write(began);
    }

    private void sections(Apps apps, TestDatabase database) {
        List<ColdStarts.Row> starts = List.of();
        List<AotStarts.Row> aot = List.of();
        if (selected("start")) {
            starts = ColdStarts.run(jvm, apps.started(), coldRuns);
            results.put("coldStart", starts);
            report.coldStarts("JVM: " + Machine.javaVersion(jvm.java()) + "; " + (jvm.options().isEmpty()
                    ? "default options"
                    : "the JVM image's options (docker/jvm.options), heap sized from its pod's memory (docker/jvm/)"),
                    starts);
        }
        if (selected("aot")) {
            if (aotJavaHome.isEmpty()) {
                results.put("aotCache", "skipped: set BENCH_JAVA_HOME to a JDK 25 or later");
                report.note("AOT cache: skipped (set BENCH_JAVA_HOME to a JDK 25+)");
            } else {
                Runner jdk25 = jvm.with(aotJavaHome.get().resolve("bin/java"));
                aot = AotStarts.run(jdk25, apps.started(), coldRuns, out.resolve("aot"));
                results.put("aotCache", aot);
                report.aot(Machine.javaVersion(jdk25.java()), aot);
            }
        }
        if (selected("save")) {
            SaveThroughput.Result save = SaveThroughput.run(jvm, apps.save(), database, out.resolve("pgbench"),
                    loadRuns, loadTime);
            results.put("saveEmail", save);
            report.saveEmail(save);
        }
        if (selected("e2e")) {
            EndToEndSection.Row e2e = EndToEndSection.run(root, Apps.UNLIMITED, e2eRate, e2eTime, loadRuns);
            results.put("endToEnd", e2e);
            report.endToEnd(e2e);
        }
        if (selected("page")) {
            LoadRow page = PageThroughput.run(jvm, apps.render(), loadRuns, loadTime);
            results.put("renderHtml", page);
            report.page(page);
        }
        if (selected("cost")) {
            results.put("cost", costs(jvm, "JVM: the same options as section 1", apps, database, starts));
        }
        List<ColdStarts.Row> nativeStarts = List.of();
        if (selected("native")) {
            nativeStarts = nativeSections(apps, database);
        }
        report.coldRequests(starts, aot, nativeStarts);
    }

    /**
     * 1+5 and 6 again with the native executables (make native), which is how the Knative Services run; skipped,
     * and said so, while an executable is missing.
     */
    private List<ColdStarts.Row> nativeSections(Apps apps, TestDatabase database) {
        List<App> all = List.of(apps.empty(), apps.render(), apps.save(), apps.send(), apps.floor());
        List<String> missing = all.stream().filter(app -> !app.builtAs(Packaging.NATIVE)).map(App::module).toList();
        if (!missing.isEmpty()) {
            results.put("native", "skipped: no native executable for " + missing + " (make native)");
            report.note("Native executables: skipped, none built for " + missing + " (make native builds them)");
            return List.of();
        }
        Runner executables = jvm.nativeExecutables();
        List<ColdStarts.Row> starts = ColdStarts.run(executables, apps.started(), coldRuns);
        results.put("nativeColdStart", starts);
        report.coldStarts("Native executables (make native), no options: as the Knative Services run them", starts);
        if (selected("cost")) {
            results.put("nativeCost", costs(executables, "Native executables (make native)", apps, database, starts));
        }
        return starts;
    }

    /** 6: CPU and memory-time per call beside the floor apps; then a million signups and an idle hour. */
    private Map<String, Object> costs(Runner runner, String runtime, Apps apps, TestDatabase database,
            List<ColdStarts.Row> starts) {
        Costs costs = new Costs(runner, database, loadRuns, loadTime);
        List<Costs.Row> rows = List.of(costs.measure(apps.render(), apps.empty()),
                costs.measure(apps.save(), apps.floor()), costs.measure(apps.send(), apps.empty()));
        if (rows.get(1).floorRoundTrips().perCall() < 1) {
            throw new IllegalStateException("the signup floor app answered but wrote nothing; see its log");
        }
        Map<String, Double> startSeconds = new LinkedHashMap<>();
        starts.forEach(start -> startSeconds.put(start.app(), start.startMillis().median() / 1000));
        List<Bills.Share> million = Bills.million(rows);
        List<Bills.Idle> idle = Bills.idle(root.resolve("knative"), startSeconds);
        report.costs(runtime, Costs.CONCURRENCY, rows, million, idle, !startSeconds.isEmpty());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("perCall", rows);
        figures.put("millionSignups", million);
        figures.put("idleHour", idle);
        return figures;
    }

    /** The schema, once, as the migration Job would create it; not timed. */
    private void migrate(App save) {
        try (Launch launch = jvm.launch(save.withEnv(Map.of("QUARKUS_FLYWAY_MIGRATE_AT_START", "true")))) {
            launch.millisToFirstSuccess(save.request());
        }
        progress("schema migrated");
    }

    private void write(Instant began) throws IOException {
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

    private boolean selected(String section) {
        return only.isEmpty() || only.contains(section);
    }

    static Figure column(List<double[]> runs, int index) {
        return Figure.of(runs.stream().map(run -> run[index]).toList());
    }

    private static int setting(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value);
    }

    static void progress(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }
}
