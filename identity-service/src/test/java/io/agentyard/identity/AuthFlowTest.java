package io.agentyard.identity;

import static io.agentyard.identity.IdentityApi.PASSWORD;
import static io.agentyard.identity.IdentityApi.PROBLEM_JSON;
import static io.agentyard.identity.IdentityApi.uniqueName;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The life of an account: register, sign in, use the profile, rotate tokens, sign out. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class AuthFlowTest {

    final IdentityApi api = new IdentityApi();

    @Inject
    AgroalDataSource database;

    @Test
    void registerCreatesADeveloperAndPointsToIt() {
        String username = uniqueName("Ada");
        var response = api.request()
                .body(Map.of("username", username, "email", username.toUpperCase() + "@Example.com",
                        "password", PASSWORD, "fullName", "Ada Lovelace"))
                .post("/api/auth/register")
                .then().statusCode(201)
                .body("username", is(username))
                .body("email", is(username.toLowerCase() + "@example.com"))
                .body("fullName", is("Ada Lovelace"))
                .body("role", is("developer"))
                .body("active", is(true))
                .body("verified", is(false))
                .body("createdAt", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"))
                .body("passwordHash", nullValue())
                .extract();
        String id = response.path("id");
        // the Location is one the new user may read: their profile, not the admin-only /api/users/{id}
        assertTrue(response.header("Location").endsWith("/api/auth/profile"), response.header("Location"));
        assertTrue(passwordHashOf(id).startsWith("$2"), "the password is stored as a bcrypt hash");
    }

    @Test
    void signInWithUsernameOrEmailInAnyCaseReturnsTokensAndProfile() {
        String username = uniqueName("grace");
        String id = api.register(username);
        for (String login : new String[] {username, username.toUpperCase(), username + "@EXAMPLE.com"}) {
            api.request().body(Map.of("username", login, "password", PASSWORD))
                    .post("/api/auth/login")
                    .then().statusCode(200)
                    .body("tokenType", is("Bearer"))
                    .body("expiresIn", is(900))
                    .body("accessToken", notNullValue())
                    .body("refreshToken", notNullValue())
                    .body("refreshExpiresIn", greaterThan(0))
                    .body("user.id", is(id))
                    .body("user.lastLoginAt", notNullValue());
        }
    }

    @Test
    void profileIsTheSignedInUser() {
        Map<String, String> dev = api.newDeveloper();
        api.as(dev.get("accessToken")).get("/api/auth/profile")
                .then().statusCode(200)
                .body("id", is(dev.get("id")))
                .body("username", is(dev.get("username")))
                .body("role", is("developer"));
    }

    @Test
    void profileWithoutATokenIsAProblem401() {
        api.request().get("/api/auth/profile")
                .then().statusCode(401)
                .contentType(PROBLEM_JSON)
                .header("WWW-Authenticate", "Bearer")
                .body("status", is(401))
                .body("title", is("Unauthorized"))
                .body("instance", is("/api/auth/profile"));
    }

    @Test
    void patchProfileChangesOnlyTheFieldsSent() {
        Map<String, String> dev = api.newDeveloper();
        String token = dev.get("accessToken");
        api.as(token).body(Map.of("fullName", "Grace Hopper")).patch("/api/auth/profile")
                .then().statusCode(200).body("fullName", is("Grace Hopper"));
        api.as(token).body(Map.of("settings", Map.of("theme", "dark", "pageSize", 50))).patch("/api/auth/profile")
                .then().statusCode(200)
                .body("fullName", is("Grace Hopper"))
                .body("settings.theme", is("dark"))
                .body("settings.pageSize", is(50));
        String newEmail = dev.get("username") + "@new.example.org";
        api.as(token).body(Map.of("email", newEmail)).patch("/api/auth/profile")
                .then().statusCode(200).body("email", is(newEmail)).body("settings.theme", is("dark"));
        api.as(token).get("/api/auth/profile").then().body("email", is(newEmail)).body("fullName", is("Grace Hopper"));
    }

    @Test
    void patchProfileToAnotherUsersEmailIsAConflict() {
        Map<String, String> first = api.newDeveloper();
        Map<String, String> second = api.newDeveloper();
        api.as(second.get("accessToken")).body(Map.of("email", first.get("username").toUpperCase() + "@example.com"))
                .patch("/api/auth/profile")
                .then().statusCode(409).contentType(PROBLEM_JSON).body("detail", matchesPattern(".*already registered.*"));
    }

    @Test
    void refreshRotatesTheTokenAndTheOldOneStopsWorking() {
        Map<String, String> dev = api.newDeveloper();
        String first = dev.get("refreshToken");
        Map<String, Object> rotated = api.request().body(Map.of("refreshToken", first)).post("/api/auth/refresh")
                .then().statusCode(200).body("user.id", is(dev.get("id"))).extract().as(Map.class);
        String second = (String) rotated.get("refreshToken");
        assertNotEquals(first, second);
        api.as((String) rotated.get("accessToken")).get("/api/auth/profile").then().statusCode(200);
        // the second token works once
        String third = api.request().body(Map.of("refreshToken", second)).post("/api/auth/refresh")
                .then().statusCode(200).extract().path("refreshToken");
        assertNotEquals(second, third);
    }

    @Test
    void reusingARotatedRefreshTokenRevokesTheWholeFamily() {
        Map<String, String> dev = api.newDeveloper();
        String stolen = dev.get("refreshToken");
        String current = api.request().body(Map.of("refreshToken", stolen)).post("/api/auth/refresh")
                .then().statusCode(200).extract().path("refreshToken");

        api.request().body(Map.of("refreshToken", stolen)).post("/api/auth/refresh")
                .then().statusCode(401).contentType(PROBLEM_JSON)
                .body("detail", matchesPattern(".*already used.*revoked.*"));
        // the legitimate holder's newer token of the same family is revoked too
        api.request().body(Map.of("refreshToken", current)).post("/api/auth/refresh").then().statusCode(401);
        assertEquals(0, activeRefreshTokens(dev.get("id")));
    }

    @Test
    void unknownRefreshTokenIsRefused() {
        api.request().body(Map.of("refreshToken", "not-a-token")).post("/api/auth/refresh")
                .then().statusCode(401).contentType(PROBLEM_JSON);
    }

    @Test
    void logoutEndsThatSessionOnly() {
        Map<String, String> dev = api.newDeveloper();
        String other = (String) api.login(dev.get("username"), PASSWORD).get("refreshToken");
        api.as(dev.get("accessToken")).body(Map.of("refreshToken", dev.get("refreshToken"))).post("/api/auth/logout")
                .then().statusCode(204);
        api.request().body(Map.of("refreshToken", dev.get("refreshToken"))).post("/api/auth/refresh")
                .then().statusCode(401);
        api.request().body(Map.of("refreshToken", other)).post("/api/auth/refresh").then().statusCode(200);
    }

    @Test
    void logoutWithoutATokenEndsEverySession() {
        Map<String, String> dev = api.newDeveloper();
        String other = (String) api.login(dev.get("username"), PASSWORD).get("refreshToken");
        api.as(dev.get("accessToken")).post("/api/auth/logout").then().statusCode(204);
        api.request().body(Map.of("refreshToken", dev.get("refreshToken"))).post("/api/auth/refresh")
                .then().statusCode(401);
        api.request().body(Map.of("refreshToken", other)).post("/api/auth/refresh").then().statusCode(401);
    }

    @Test
    void logoutCannotEndSomeoneElsesSession() {
        Map<String, String> victim = api.newDeveloper();
        Map<String, String> attacker = api.newDeveloper();
        api.as(attacker.get("accessToken")).body(Map.of("refreshToken", victim.get("refreshToken")))
                .post("/api/auth/logout").then().statusCode(204);
        api.request().body(Map.of("refreshToken", victim.get("refreshToken"))).post("/api/auth/refresh")
                .then().statusCode(200);
    }

    @Test
    void changePasswordNeedsTheCurrentOneAndSignsOutEverywhere() {
        Map<String, String> dev = api.newDeveloper();
        String token = dev.get("accessToken");
        api.as(token).body(Map.of("currentPassword", "wrong-password-1", "newPassword", "brand-new-secret-7"))
                .post("/api/auth/change-password")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors[0].field", is("currentPassword"));
        api.as(token).body(Map.of("currentPassword", PASSWORD, "newPassword", "short1"))
                .post("/api/auth/change-password")
                .then().statusCode(400).body("errors[0].field", is("newPassword"));

        api.as(token).body(Map.of("currentPassword", PASSWORD, "newPassword", "brand-new-secret-7"))
                .post("/api/auth/change-password").then().statusCode(204);

        api.request().body(Map.of("refreshToken", dev.get("refreshToken"))).post("/api/auth/refresh")
                .then().statusCode(401);
        api.request().body(Map.of("username", dev.get("username"), "password", PASSWORD)).post("/api/auth/login")
                .then().statusCode(401);
        api.login(dev.get("username"), "brand-new-secret-7");
    }

    private String passwordHashOf(String userId) {
        return queryString("select password_hash from identity.users where id = ?", userId);
    }

    private int activeRefreshTokens(String userId) {
        return Integer.parseInt(queryString(
                "select count(*)::text from identity.refresh_tokens where user_id = ? and revoked_at is null", userId));
    }

    private String queryString(String sql, String id) {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, UUID.fromString(id));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
