package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.signup.peers.TestDatabase;

/**
 * The scripts the migration Job runs as the database owner (k8s/15-db-roles-config.yaml), on a real Postgres: the
 * functions' role ends up a non-superuser whose connection limit holds, that reads and writes every table the
 * migrations create, and cannot change the schema.
 */
class DatabaseRolesTest {

    private static final TestDatabase DATABASE = new TestDatabase();
    private static final String APP_USER = "signup_app";
    private static Map<String, String> scripts;

    @BeforeAll
    static void start() {
        DATABASE.start();
        scripts = ((ConfigMap) Manifests.parse(Manifests.read(Manifests.root().resolve(
                "k8s/15-db-roles-config.yaml")))).getData();
    }

    @AfterAll
    static void stop() {
        DATABASE.stop();
    }

    @Test
    void theFunctionsRoleIsLeastPrivilegedAndItsLimitHolds() throws SQLException {
        // As the Job does on each release: roles and grants, then the migrations; twice, as for a second release.
        for (int release = 0; release < 2; release++) {
            runAsOwner(APP_USER, "s3cret", 2, "app-role.sql", "grants.sql");
        }
        DATABASE.migrate(Manifests.root().resolve("save-email-fn/src/main/resources/db/migration"));

        Map<String, Object> role = DATABASE.query("select rolsuper, rolcreaterole, rolcreatedb, rolcanlogin,"
                + " rolconnlimit from pg_roles where rolname = ?", APP_USER).get(0);
        assertEquals(Map.of("rolsuper", false, "rolcreaterole", false, "rolcreatedb", false, "rolcanlogin", true,
                "rolconnlimit", 2), role);
        assertEquals(8, DATABASE.count("select count(*) from pg_tables where schemaname = 'public'"));
        // By oid: privileges taken one at a time (a list would pass with any one of them).
        assertEquals(0, DATABASE.count("""
                select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind = 'r' and not (
                  has_table_privilege(?, c.oid, 'SELECT') and has_table_privilege(?, c.oid, 'INSERT')
                  and has_table_privilege(?, c.oid, 'UPDATE') and has_table_privilege(?, c.oid, 'DELETE'))""",
                APP_USER, APP_USER, APP_USER, APP_USER), "every table the migrations created");

        List<Connection> open = new ArrayList<>();
        try {
            open.add(connectAsApp());
            open.add(connectAsApp());
            try (Statement statement = open.get(0).createStatement()) {
                statement.execute("select count(*) from subscriber");
                SQLException ddl = assertThrows(SQLException.class, () -> statement.execute("create table x (id int)"));
                assertTrue(ddl.getMessage().contains("permission denied"), ddl.getMessage());
            }
            SQLException third = assertThrows(SQLException.class, DatabaseRolesTest::connectAsApp);
            assertTrue(third.getMessage().contains("too many connections for role"), third.getMessage());
        } finally {
            for (Connection connection : open) {
                connection.close();
            }
        }
    }

    @Test
    void theOwnerCannotHandItsOwnRoleToTheFunctions() {
        SQLException refused = assertThrows(SQLException.class, () -> runAsOwner("postgres", "x", 5, "app-role.sql"));
        assertTrue(refused.getMessage().contains("must not be the owner"), refused.getMessage());
    }

    /** What the Job's psql does: the settings it reads from the environment, then the scripts, in one session. */
    private static void runAsOwner(String appUser, String password, int limit, String... names) throws SQLException {
        try (Connection owner = DriverManager.getConnection(url(), "postgres", "");
                Statement statement = owner.createStatement()) {
            statement.execute("select set_config('signup.app_user', '" + appUser + "', false), set_config("
                    + "'signup.app_password', '" + password + "', false), set_config('signup.connection_limit', '"
                    + limit + "', false)");
            for (String name : names) {
                statement.execute(scripts.get(name));
            }
        }
    }

    private static Connection connectAsApp() throws SQLException {
        return DriverManager.getConnection(url(), APP_USER, "s3cret");
    }

    private static String url() {
        return "jdbc:postgresql://localhost:" + DATABASE.port() + "/postgres";
    }
}
