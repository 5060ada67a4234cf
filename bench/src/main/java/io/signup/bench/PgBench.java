package io.signup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.signup.peers.TestDatabase;

/**
 * The database's own ceiling: pgbench inserting one row per transaction into a table shaped like {@code subscriber}
 * (uuid key, unique index on the lower-cased address), at the concurrency the function was driven with.
 */
final class PgBench {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final List<String> TABLE = List.of("""
            create table if not exists bench_subscriber (
                id         uuid         primary key,
                email      varchar(254) not null,
                name       varchar(100),
                created_at timestamptz  not null
            )""", "create unique index if not exists bench_subscriber_email_key on bench_subscriber (lower(email))");
    private static final String INSERT = """
            insert into bench_subscriber (id, email, name, created_at)
            values (gen_random_uuid(), gen_random_uuid()::text || '@example.com', 'Bench', now());
            """;

    private final Path executable;
    private final Path script;
    private final TestDatabase database;

    private PgBench(Path executable, Path script, TestDatabase database) {
        this.executable = executable;
        this.script = script;
        this.database = database;
    }

    /** pgbench from the PATH (Debian: postgresql-client), or empty when this machine has none. */
    static Optional<PgBench> find(TestDatabase database, Path workDirectory) {
        Optional<Path> executable = Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(path -> List.of(path.split(":")).stream())
                .map(dir -> Path.of(dir, "pgbench"))
                .filter(Files::isExecutable)
                .findFirst();
        if (executable.isEmpty()) {
            return Optional.empty();
        }
        try {
            Files.createDirectories(workDirectory);
            Path script = Files.writeString(workDirectory.resolve("insert.sql"), INSERT);
            TABLE.forEach(database::execute);
            return Optional.of(new PgBench(executable.get(), script, database));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Transactions per second over {@code seconds} with {@code clients} connections, prepared statements. */
    double transactionsPerSecond(int clients, int seconds) {
        int threads = Math.min(clients, Runtime.getRuntime().availableProcessors());
        ProcessBuilder builder = new ProcessBuilder(executable.toString(), "-h", "localhost",
                "-p", Integer.toString(database.port()), "-U", "postgres", "-n", "-M", "prepared",
                "-c", Integer.toString(clients), "-j", Integer.toString(threads), "-T", Integer.toString(seconds),
                "-f", script.toString(), "postgres").redirectErrorStream(true);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException("pgbench failed:\n" + output);
            }
            Matcher tps = TPS.matcher(output);
            if (!tps.find()) {
                throw new IllegalStateException("no tps in pgbench output:\n" + output);
            }
            return Double.parseDouble(tps.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
