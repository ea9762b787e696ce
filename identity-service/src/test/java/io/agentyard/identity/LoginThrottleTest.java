package io.agentyard.identity;

import static io.agentyard.identity.IdentityApi.PASSWORD;
import static io.agentyard.identity.IdentityApi.PROBLEM_JSON;
import static io.agentyard.identity.IdentityApi.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Brute-force protection. The test profile allows 3 failures per account and 6 per address in
 * 15 minutes (application.properties).
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class LoginThrottleTest {

    @Test
    void failedLoginSaysTheSameWhetherOrNotTheUserExists() {
        IdentityApi api = new IdentityApi();
        String username = uniqueName("known");
        api.register(username);
        String wrongPassword = api.request().body(Map.of("username", username, "password", "wrong-password-1"))
                .post("/api/auth/login").then().statusCode(401).contentType(PROBLEM_JSON)
                .extract().path("detail");
        String noSuchUser = api.request().body(Map.of("username", uniqueName("ghost"), "password", "wrong-password-1"))
                .post("/api/auth/login").then().statusCode(401).contentType(PROBLEM_JSON)
                .extract().path("detail");
        assertEquals(wrongPassword, noSuchUser);
        assertEquals("invalid username or password", noSuchUser);
    }

    @Test
    void accountIsLockedAfterRepeatedFailuresEvenForTheRightPassword() {
        IdentityApi api = new IdentityApi();
        String username = uniqueName("target");
        api.register(username);
        // failures from different addresses still count against the one account, under either of its names
        for (String login : new String[] {username, username + "@example.com", username.toUpperCase()}) {
            new IdentityApi().request().body(Map.of("username", login, "password", "wrong-password-1"))
                    .post("/api/auth/login").then().statusCode(401);
        }
        String retryAfter = api.request().body(Map.of("username", username, "password", PASSWORD))
                .post("/api/auth/login").then().statusCode(429).contentType(PROBLEM_JSON)
                .body("status", is(429))
                .body("detail", containsString("for this account"))
                .extract().header("Retry-After");
        int seconds = Integer.parseInt(retryAfter);
        assertTrue(seconds > 800 && seconds <= 901, "locked for about the 15-minute window, was " + seconds);
    }

    @Test
    void aSuccessfulLoginClearsEarlierFailures() {
        IdentityApi api = new IdentityApi();
        String username = uniqueName("forgetful");
        api.register(username);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 2; i++) {
                api.request().body(Map.of("username", username, "password", "wrong-password-1"))
                        .post("/api/auth/login").then().statusCode(401);
            }
            api.login(username, PASSWORD);
        }
    }

    @Test
    void anAddressTryingManyAccountsIsLockedOut() {
        IdentityApi attacker = new IdentityApi();
        for (int i = 0; i < 6; i++) {
            attacker.request().body(Map.of("username", uniqueName("guess"), "password", "wrong-password-1"))
                    .post("/api/auth/login").then().statusCode(401);
        }
        String username = uniqueName("bystander");
        IdentityApi bystander = new IdentityApi();
        bystander.register(username);
        attacker.request().body(Map.of("username", username, "password", PASSWORD))
                .post("/api/auth/login").then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("detail", containsString("from this address"));
        // the same account from another address is unaffected
        bystander.login(username, PASSWORD);
    }

    @Test
    void clientCredentialsAreThrottledToo() {
        IdentityApi attacker = new IdentityApi();
        String clientId = java.util.UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            attacker.request().body(Map.of("clientId", clientId, "clientSecret", "guess-" + i))
                    .post("/api/auth/token").then().statusCode(401);
        }
        attacker.request().body(Map.of("clientId", clientId, "clientSecret", "guess-4"))
                .post("/api/auth/token").then().statusCode(429);
    }
}
