package io.agentyard.deploy;

import static io.agentyard.deploy.Workloads.SERVICES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Production's database roles (k8s/base/db-roles.sql) on the machine's real PostgreSQL, in a database and
 * under role names of this run's own: each service's role runs its own migrations, several replicas at
 * once as a rollout starts them, and reaches nothing outside its schema.
 */
class DatabaseRolesTest {

    private static final String HOST = env("AGENTYARD_TEST_PG_HOST", "127.0.0.1");
    private static final String PORT = env("AGENTYARD_TEST_PG_PORT", "5432");
    private static final String ADMIN = env("AGENTYARD_TEST_PG_USER", "postgres");
    private static final String ADMIN_PASSWORD = env("AGENTYARD_TEST_PG_PASSWORD", "");
    /** Replicas of one service starting at once, each migrating at start (quarkus.flyway.migrate-at-start). */
    private static final int REPLICAS = 3;

    private static final String RUN = Long.toHexString(System.currentTimeMillis()) + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    private static final String DATABASE = "agentyard_test_roles_" + RUN;
    /** Roles are the server's, not the database's: a prefix of the run's own keeps runs apart. */
    private static final String PREFIX = "agentyard_test_" + RUN;
    private static final Map<String, String> PASSWORDS = new HashMap<>();

    @BeforeAll
    static void createDatabaseAndRoles() throws Exception {
        admin("postgres", "create database " + DATABASE);
        for (String service : SERVICES) {
            PASSWORDS.put(Workloads.schema(service), "pw-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        }
        Result result = roles(DATABASE, PASSWORDS);
        assertEquals(0, result.exit(), result.output());
    }

    @AfterAll
    static void dropDatabaseAndRoles() throws Exception {
        admin("postgres", "drop database if exists " + DATABASE + " with (force)");
        for (String schema : PASSWORDS.keySet()) {
            admin("postgres", "drop role if exists " + role(schema));
        }
    }

    @Test
    void eachServiceRoleMigratesItsSchemaWhileReplicasStartAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(REPLICAS * SERVICES.size());
        try {
            List<Future<MigrateResult>> starts = new ArrayList<>();
            for (String service : SERVICES) {
                for (int i = 0; i < REPLICAS; i++) {
                    starts.add(pool.submit((Callable<MigrateResult>) () -> flyway(service).migrate()));
                }
            }
            for (Future<MigrateResult> start : starts) {
                assertTrue(start.get(3, TimeUnit.MINUTES).success);
            }
        } finally {
            pool.shutdownNow();
        }
        for (String service : SERVICES) {
            String schema = Workloads.schema(service);
            int migrations = Path.of("..", service, "src/main/resources/db/migration").toFile().list().length;
            try (Connection c = connect(role(schema), PASSWORDS.get(schema)); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("select count(*), count(distinct version), bool_and(success) from "
                         + schema + ".flyway_schema_history where version is not null")) {
                r.next();
                // every migration applied once, though several replicas ran them together
                assertEquals(migrations, r.getInt(1), service);
                assertEquals(migrations, r.getInt(2), service);
                assertTrue(r.getBoolean(3), service);
            }
            assertEquals(0, flyway(service).migrate().migrationsExecuted, "a replica starting later finds nothing to do");
        }
    }

    @Test
    void aServiceRoleReachesNothingOutsideItsSchema() throws Exception {
        flyway("identity-service").migrate();
        String task = Workloads.schema("task-service");
        try (Connection c = connect(role(task), PASSWORDS.get(task)); Statement s = c.createStatement()) {
            assertDenied(s, "select count(*) from identity.users");
            assertDenied(s, "create table identity.stolen (id int)");
            assertDenied(s, "create table public.stray (id int)");
            assertDenied(s, "create schema stray");
            assertDenied(s, "create role stray");
            s.execute("create table " + task + ".scratch (id int)");
            s.execute("drop table " + task + ".scratch");
        }
        // and no role but Agentyard's may connect to the database
        admin("postgres", "create role " + PREFIX + "_outsider login password 'x'");
        try {
            SQLException refused = assertThrows(SQLException.class, () -> connect(PREFIX + "_outsider", "x").close());
            assertEquals("42501", refused.getSQLState(), refused.getMessage());
        } finally {
            admin("postgres", "drop role " + PREFIX + "_outsider");
        }
    }

    @Test
    void runningItAgainRotatesAPasswordAndAMissingOneIsNamed() throws Exception {
        Map<String, String> rotated = new HashMap<>(PASSWORDS);
        String chat = Workloads.schema("chat-service");
        String agent = Workloads.schema("agent-service");
        String chatBefore = verifier(chat);
        String agentBefore = verifier(agent);
        rotated.put(chat, "rotated-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Result again = roles(DATABASE, rotated);
        assertEquals(0, again.exit(), again.output());
        // This machine's PostgreSQL trusts local connections, so a sign-in proves nothing: the stored
        // SCRAM verifier (salted afresh on every ALTER ROLE ... PASSWORD) shows the new password was set.
        assertTrue(chatBefore.startsWith("SCRAM-SHA-256$"), chatBefore);
        assertNotEquals(chatBefore, verifier(chat));
        assertNotEquals(agentBefore, verifier(agent), "running it again sets every password again");
        PASSWORDS.put(chat, rotated.get(chat));

        Map<String, String> missing = new HashMap<>(PASSWORDS);
        missing.remove(Workloads.schema("agent-service"));
        Result refused = roles(DATABASE, missing);
        assertNotEquals(0, refused.exit());
        assertTrue(refused.output().contains("set AGENTYARD_DB_PASSWORD_AGENT in the environment"), refused.output());
    }

    @Test
    void aBackupRestoredForTheRolesIsTheirsToMigrateAgain() throws Exception {
        for (String service : SERVICES) {
            flyway(service).migrate();
        }
        Path backups = Files.createTempDirectory("roles-backup");
        String restored = DATABASE + "_restored";
        try {
            Result backup = run(Map.of(), "bash", Path.of("local/backup.sh").toAbsolutePath().toString(), DATABASE, backups.toString());
            assertEquals(0, backup.exit(), backup.output());
            String folder = backup.output().strip().lines().reduce((first, last) -> last).orElseThrow();
            Result restore = run(Map.of(), "bash", Path.of("local/restore.sh").toAbsolutePath().toString(),
                    "--replay-events", "0", "--role-prefix", PREFIX, folder, restored);
            assertEquals(0, restore.exit(), restore.output());
            Result grants = roles(restored, PASSWORDS);
            assertEquals(0, grants.exit(), grants.output());
            for (String service : SERVICES) {
                String schema = Workloads.schema(service);
                try (Connection c = DriverManager.getConnection(jdbcUrl(restored), role(schema), PASSWORDS.get(schema));
                     Statement s = c.createStatement()) {
                    try (ResultSet r = s.executeQuery("select count(*) from pg_class where relnamespace = '" + schema
                            + "'::regnamespace and relowner <> '" + role(schema) + "'::regrole")) {
                        r.next();
                        assertEquals(0, r.getInt(1), service + ": everything in " + schema + " is its role's");
                    }
                    // what a later migration does: alter a table of its schema
                    s.execute("alter table " + schema + ".flyway_schema_history add column probe int");
                    s.execute("alter table " + schema + ".flyway_schema_history drop column probe");
                }
            }
        } finally {
            admin("postgres", "drop database if exists " + restored + " with (force)");
            try (var walk = Files.walk(backups)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String verifier(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), ADMIN, ADMIN_PASSWORD);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select rolpassword from pg_authid where rolname = '" + role(schema) + "'")) {
            assertTrue(r.next(), role(schema));
            return r.getString(1);
        }
    }

    private static void assertDenied(Statement statement, String sql) {
        SQLException denied = assertThrows(SQLException.class, () -> statement.execute(sql), sql);
        assertEquals("42501", denied.getSQLState(), sql + ": " + denied.getMessage());
    }

    /** The service's migrations as its replica runs them: its role, its schema (quarkus.flyway.schemas). */
    private static Flyway flyway(String service) {
        String schema = Workloads.schema(service);
        return Flyway.configure()
                .dataSource(jdbcUrl(DATABASE), role(schema), PASSWORDS.get(schema))
                .schemas(schema)
                .locations("filesystem:" + Path.of("..", service, "src/main/resources/db/migration").toAbsolutePath().normalize())
                .load();
    }

    private record Result(int exit, String output) {
    }

    /** psql -f k8s/base/db-roles.sql, as the database's owner, with the passwords in the environment. */
    private static Result roles(String database, Map<String, String> passwords) throws IOException, InterruptedException {
        Map<String, String> environment = new HashMap<>();
        passwords.forEach((schema, password) -> environment.put("AGENTYARD_DB_PASSWORD_" + schema.toUpperCase(), password));
        return run(environment, "psql", "-h", HOST, "-p", PORT, "-U", ADMIN, "-d", database, "-q",
                "-v", "role_prefix=" + PREFIX, "-f", Kustomize.K8S.resolve("base/db-roles.sql").toString());
    }

    /** A command with libpq's variables naming this machine's PostgreSQL as its administrator. */
    private static Result run(Map<String, String> environment, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("PGHOST", HOST, "PGPORT", PORT, "PGUSER", ADMIN, "PGPASSWORD", ADMIN_PASSWORD));
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), String.join(" ", command));
        return new Result(process.exitValue(), output);
    }

    private static String role(String schema) {
        return PREFIX + "_" + schema;
    }

    private static void admin(String database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(database), ADMIN, ADMIN_PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection connect(String user, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(DATABASE), user, password);
    }

    private static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
