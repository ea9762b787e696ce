package io.agentyard.shared.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

/**
 * Gives a test run its own world on the machine's real servers: a new PostgreSQL database (dropped
 * when the run ends), a Redis key prefix of its own, and a freshly generated RSA key pair for
 * signing and verifying access tokens. Nothing is shared between runs, so runs never see each
 * other's data. PostgreSQL comes from AGENTYARD_TEST_PG_*; Redis is the one AGENTYARD_REDIS_URL names
 * (default 127.0.0.1:6379), shared, with keys under the run's own prefix, deleted when the run ends.
 * <p>
 * {@link #current()} tells other resources (such as {@link SiblingServiceResource}) the world of the
 * run, so services they launch share it.
 */
public class FreshDatabaseResource implements QuarkusTestResourceLifecycleManager {

    /**
     * A test run's world: its database (reactive URL {@code postgresql://host:port/name}, as
     * {@code AGENTYARD_DB_URL} takes it), credentials, Redis and key prefix, and its RSA key pair
     * (PKCS#8 and X.509 PEM files) that signs and verifies the run's access tokens.
     */
    public record World(String database, String databaseUrl, String username, String password, String redisUrl,
                        String keyPrefix, Path privateKey, Path publicKey) {

        public String jdbcUrl() {
            return "jdbc:" + databaseUrl;
        }
    }

    private static volatile World current;

    private static final String PG_HOST = env("AGENTYARD_TEST_PG_HOST", "127.0.0.1");
    private static final String PG_PORT = env("AGENTYARD_TEST_PG_PORT", "5432");
    private static final String PG_USER = env("AGENTYARD_TEST_PG_USER", "postgres");
    private static final String PG_PASSWORD = env("AGENTYARD_TEST_PG_PASSWORD", "");

    private String database;
    private String keyPrefix;
    private Path keyDir;

    @Override
    public Map<String, String> start() {
        String module = Path.of(System.getProperty("user.dir")).getFileName().toString().replaceAll("[^a-z0-9]", "_");
        String run = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"))
                + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        database = "agentyard_test_" + module + "_" + run;
        execute("CREATE DATABASE " + database);
        keyDir = writeKeyPair();
        keyPrefix = "test:" + run + ":";
        String url = "postgresql://" + PG_HOST + ":" + PG_PORT + "/" + database;
        current = new World(database, url, PG_USER, PG_PASSWORD, env("AGENTYARD_REDIS_URL", "redis://127.0.0.1:6379"),
                keyPrefix, keyDir.resolve("private.pem"), keyDir.resolve("public.pem"));
        return Map.of(
                "quarkus.datasource.reactive.url", url,
                "quarkus.datasource.username", PG_USER,
                "quarkus.datasource.password", PG_PASSWORD,
                "agentyard.events.key-prefix", keyPrefix,
                "smallrye.jwt.sign.key.location", keyDir.resolve("private.pem").toUri().toString(),
                "mp.jwt.verify.publickey.location", keyDir.resolve("public.pem").toUri().toString());
    }

    /** The world of the run under way; fails when this resource has not started (yet). */
    public static World current() {
        World world = current;
        if (world == null) {
            throw new IllegalStateException("no test world: FreshDatabaseResource has not started; declare it on the"
                    + " test class, and start resources that use its world after it (a higher order())");
        }
        return world;
    }

    @Override
    public void stop() {
        World world = current;
        if (world != null && world.database().equals(database)) {
            current = null;
        }
        if (database != null) {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        if (keyPrefix != null) {
            deleteRedisKeys(keyPrefix);
        }
        if (keyDir != null) {
            try (var files = Files.list(keyDir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(keyDir);
            } catch (IOException e) {
                // a temp folder left behind is harmless
            }
        }
    }

    /** Deletes the run's streams and other keys, so runs leave nothing behind in the shared Redis. */
    private static void deleteRedisKeys(String prefix) {
        Vertx vertx = Vertx.vertx();
        try {
            Redis client = Redis.createClient(vertx, env("AGENTYARD_REDIS_URL", "redis://127.0.0.1:6379"));
            RedisAPI redis = RedisAPI.api(client);
            String cursor = "0";
            do {
                Response page = redis.scan(List.of(cursor, "MATCH", prefix + "*", "COUNT", "1000"))
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                cursor = page.get(0).toString();
                List<String> keys = new ArrayList<>();
                page.get(1).forEach(key -> keys.add(key.toString()));
                if (!keys.isEmpty()) {
                    redis.del(keys).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                }
            } while (!"0".equals(cursor));
            client.close();
        } catch (Exception e) {
            // keys left behind do no harm to other runs: they live under this run's prefix
            System.err.println("Could not delete the test run's Redis keys " + prefix + "*: " + e.getMessage());
        } finally {
            vertx.close();
        }
    }

    private static void execute(String sql) {
        String url = "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, PG_USER, PG_PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + PG_HOST + ":" + PG_PORT + " refused: " + sql, e);
        }
    }

    private static Path writeKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path dir = Files.createTempDirectory("agentyard-test-keys");
            Files.writeString(dir.resolve("private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(dir.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
