package io.agentyard.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.identity.retention.IdentityRetention;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The retention round, called directly: old attempts and long-expired refresh tokens go, the rest stays. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class RetentionTest {

    final IdentityApi api = new IdentityApi();

    @Inject
    IdentityRetention retention;

    @Inject
    AgroalDataSource database;

    @Test
    void oldAttemptsAndLongExpiredRefreshTokensAreDeletedTheRestStays() {
        Map<String, String> dev = api.newDeveloper();
        String user = dev.get("id");
        String account = "retention-" + UUID.randomUUID();
        Instant now = Instant.now();
        insertAttempt(account, now.minus(Duration.ofDays(40)));
        insertAttempt(account, now.minus(Duration.ofDays(2)));
        // the sign-in's own refresh token, expired three days ago; a second one still valid
        update("update identity.refresh_tokens set expires_at = now() - interval '3 days' where user_id = ?", user);
        api.login(dev.get("username"), IdentityApi.PASSWORD);

        IdentityRetention.Deleted deleted = retention.runOnce(now).await().atMost(Duration.ofSeconds(10));

        assertEquals(1, count("select count(*) from identity.login_attempts where account_key = ?", account));
        assertEquals(1, count("select count(*) from identity.refresh_tokens where user_id = ?::uuid", user));
        assertEquals(true, deleted.loginAttempts() >= 1 && deleted.refreshTokens() >= 1, deleted.toString());
        // the remaining refresh token still works
        api.request().body(Map.of("refreshToken", refreshTokenOf(dev.get("username")))).post("/api/auth/refresh")
                .then().statusCode(200);
    }

    private String refreshTokenOf(String username) {
        return (String) api.login(username, IdentityApi.PASSWORD).get("refreshToken");
    }

    private void insertAttempt(String account, Instant at) {
        execute("insert into identity.login_attempts (account_key, ip_address, succeeded, attempted_at)"
                + " values (?, '10.0.0.1', false, ?::timestamptz)", account, at.toString());
    }

    private void update(String sql, String userId) {
        execute(sql.replace("user_id = ?", "user_id = ?::uuid"), userId);
    }

    private void execute(String sql, String... values) {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setString(i + 1, values[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private int count(String sql, String value) {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, value);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
