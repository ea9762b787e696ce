package io.agentyard.identity;

import static io.agentyard.identity.IdentityApi.PROBLEM_JSON;
import static io.agentyard.identity.IdentityApi.uniqueName;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** One-time enrollment tokens: an admin makes one, a new worker machine trades it once for its own client. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class EnrollmentTest {

    static final String INVALID = "invalid or expired enrollment token";

    @Inject
    AgroalDataSource database;

    final IdentityApi api = new IdentityApi();

    @Test
    void aWorkerEnrollsWithATokenAndItsCredentialsGetAWorkerTokenWithItsWorkerIdAsSubject() throws Exception {
        String admin = api.adminToken();
        String adminId = api.as(admin).get("/api/auth/profile").then().statusCode(200).extract().path("id");
        var response = api.as(admin).body(Map.of("name", "build box 7", "expiresInSeconds", 600))
                .post("/api/enrollment-tokens").then().statusCode(201);
        Map<String, Object> created = response
                .body("name", is("build box 7"))
                .body("token", startsWith("aye_"))
                .body("createdBy", is(adminId))
                .body("createdAt", notNullValue())
                .extract().as(Map.class);
        assertTrue(response.extract().header("Location").endsWith("/api/enrollment-tokens/" + created.get("id")));
        Instant expiresAt = Instant.parse((String) created.get("expiresAt"));
        Instant createdAt = Instant.parse((String) created.get("createdAt"));
        assertEquals(Duration.ofSeconds(600), Duration.between(createdAt, expiresAt));

        String name = uniqueName("box");
        Map<String, Object> enrolled = new IdentityApi().request()
                .body(Map.of("enrollmentToken", created.get("token"), "name", name))
                .post("/api/auth/enroll").then().statusCode(201)
                .header("Location", notNullValue())
                .body("clientId", notNullValue())
                .body("clientSecret", notNullValue())
                .body("workerId", notNullValue())
                .extract().as(Map.class);

        String token = new IdentityApi().request()
                .body(Map.of("clientId", enrolled.get("clientId"), "clientSecret", enrolled.get("clientSecret")))
                .post("/api/auth/token").then().statusCode(200).extract().path("accessToken");
        Map<?, ?> claims = new ObjectMapper().readValue(Base64.getUrlDecoder().decode(token.split("\\.")[1]), Map.class);
        assertEquals(enrolled.get("workerId"), claims.get("sub"));
        assertEquals(List.of("worker"), claims.get("groups"));
        assertEquals(name, claims.get("upn"));

        // the client is an ordinary worker client, made by the admin who made the token
        api.as(admin).get("/api/service-clients/" + enrolled.get("clientId")).then().statusCode(200)
                .body("name", is(name)).body("role", is("worker"))
                .body("subject", is(enrolled.get("workerId"))).body("createdBy", is(adminId))
                .body("secret", nullValue());
        api.as(admin).get("/api/enrollment-tokens/" + created.get("id")).then().statusCode(200)
                .body("state", is("used"))
                .body("usedAt", notNullValue())
                .body("usedClientId", is(enrolled.get("clientId")))
                .body("revokedAt", nullValue())
                .body("$", not(hasKey("token")))
                .body("$", not(hasKey("tokenHash")));
    }

    @Test
    void aTokenWorksOnlyOnce() {
        String admin = api.adminToken();
        String token = newToken(admin, Map.of());
        enroll(token, uniqueName("first")).then().statusCode(201);
        enroll(token, uniqueName("second")).then().statusCode(401).contentType(PROBLEM_JSON)
                .header("WWW-Authenticate", "Bearer")
                .body("detail", is(INVALID));
    }

    @Test
    void anExpiredTokenIsRefused() throws SQLException {
        String admin = api.adminToken();
        Map<String, Object> created = api.as(admin).body(Map.of("expiresInSeconds", 60))
                .post("/api/enrollment-tokens").then().statusCode(201).extract().as(Map.class);
        execute("update identity.enrollment_tokens set expires_at = now() - interval '1 second' where id = '"
                + created.get("id") + "'");
        api.as(admin).get("/api/enrollment-tokens/" + created.get("id")).then().body("state", is("expired"));
        enroll((String) created.get("token"), uniqueName("late")).then().statusCode(401)
                .body("detail", is(INVALID));
    }

    @Test
    void aRevokedTokenIsRefusedAndAUsedOneCannotBeRevoked() {
        String admin = api.adminToken();
        Map<String, Object> revoked = api.as(admin).body(Map.of()).post("/api/enrollment-tokens")
                .then().statusCode(201).extract().as(Map.class);
        api.as(admin).delete("/api/enrollment-tokens/" + revoked.get("id")).then().statusCode(204);
        api.as(admin).delete("/api/enrollment-tokens/" + revoked.get("id")).then().statusCode(204);
        api.as(admin).get("/api/enrollment-tokens/" + revoked.get("id")).then()
                .body("state", is("revoked")).body("revokedAt", notNullValue());
        enroll((String) revoked.get("token"), uniqueName("revoked")).then().statusCode(401)
                .body("detail", is(INVALID));

        Map<String, Object> used = api.as(admin).body(Map.of()).post("/api/enrollment-tokens")
                .then().statusCode(201).extract().as(Map.class);
        enroll((String) used.get("token"), uniqueName("used")).then().statusCode(201);
        api.as(admin).delete("/api/enrollment-tokens/" + used.get("id")).then().statusCode(409)
                .contentType(PROBLEM_JSON);
        api.as(admin).get("/api/enrollment-tokens/" + used.get("id")).then().body("state", is("used"));
        api.as(admin).delete("/api/enrollment-tokens/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void anUnknownTokenGetsTheSameAnswerAsAUsedExpiredOrRevokedOne() {
        String detail = enroll("aye_" + UUID.randomUUID(), uniqueName("guess")).then().statusCode(401)
                .contentType(PROBLEM_JSON).extract().path("detail");
        assertEquals(INVALID, detail);
    }

    @Test
    void twoConcurrentEnrollmentsWithOneTokenGiveExactlyOneClient() throws Exception {
        String admin = api.adminToken();
        Map<String, Object> created = api.as(admin).body(Map.of()).post("/api/enrollment-tokens")
                .then().statusCode(201).extract().as(Map.class);
        String token = (String) created.get("token");
        int racers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                String name = uniqueName("racer");
                calls.add(() -> enroll(token, name).then().extract().statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(calls)) {
                statuses.add(status.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "statuses " + statuses);
            assertEquals(racers - 1, statuses.stream().filter(s -> s == 401).count(), "statuses " + statuses);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, count("select count(*) from identity.service_clients c join identity.enrollment_tokens t"
                + " on t.used_client_id = c.id where t.id = '" + created.get("id") + "'"));
    }

    @Test
    void aRefusedClientNameLeavesTheTokenUnused() {
        String admin = api.adminToken();
        String taken = uniqueName("taken");
        api.as(admin).body(Map.of("name", taken, "role", "service")).post("/api/service-clients")
                .then().statusCode(201);
        Map<String, Object> created = api.as(admin).body(Map.of()).post("/api/enrollment-tokens")
                .then().statusCode(201).extract().as(Map.class);
        enroll((String) created.get("token"), taken.toUpperCase()).then().statusCode(409).contentType(PROBLEM_JSON);
        api.as(admin).get("/api/enrollment-tokens/" + created.get("id")).then().body("state", is("active"));
        enroll((String) created.get("token"), uniqueName("free")).then().statusCode(201);
    }

    @Test
    void listsAndReadsNeverShowTheTokenOrItsHash() {
        String admin = api.adminToken();
        String id = api.as(admin).body(Map.of("name", "listed")).post("/api/enrollment-tokens")
                .then().statusCode(201).extract().path("id");
        api.as(admin).get("/api/enrollment-tokens?page=0&size=100").then().statusCode(200)
                .body("page", is(0)).body("size", is(100)).body("total", notNullValue())
                .body("items.id", hasItem(id))
                .body("items", everyItem(not(hasKey("token"))))
                .body("items", everyItem(not(hasKey("tokenHash"))))
                .body("items.find { it.id == '" + id + "' }.state", is("active"));
        String body = api.as(admin).get("/api/enrollment-tokens/" + id).then().statusCode(200)
                .body("name", is("listed")).body("state", is("active")).body("usedClientId", nullValue())
                .extract().asString();
        assertFalse(body.contains("aye_"), body);
        api.as(admin).get("/api/enrollment-tokens?size=101").then().statusCode(400)
                .body("errors[0].field", is("size"));
        api.as(admin).get("/api/enrollment-tokens/" + UUID.randomUUID()).then().statusCode(404)
                .contentType(PROBLEM_JSON);
    }

    @Test
    void anEmptyBodyMakesATokenValidForAnHour() {
        String admin = api.adminToken();
        Map<String, Object> created = api.as(admin).post("/api/enrollment-tokens").then().statusCode(201)
                .body("name", nullValue()).extract().as(Map.class);
        Duration valid = Duration.between(Instant.parse((String) created.get("createdAt")),
                Instant.parse((String) created.get("expiresAt")));
        assertEquals(Duration.ofHours(1), valid);
    }

    @Test
    void onlyAdminsManageEnrollmentTokens() {
        Map<String, String> dev = api.newDeveloper();
        api.as(dev.get("accessToken")).body(Map.of()).post("/api/enrollment-tokens").then().statusCode(403)
                .contentType(PROBLEM_JSON);
        api.as(dev.get("accessToken")).get("/api/enrollment-tokens").then().statusCode(403);
        api.request().body(Map.of()).post("/api/enrollment-tokens").then().statusCode(401);
    }

    @Test
    void badRequestsNameTheField() {
        String admin = api.adminToken();
        api.as(admin).body(Map.of("expiresInSeconds", 59)).post("/api/enrollment-tokens").then().statusCode(400)
                .contentType(PROBLEM_JSON).body("errors[0].field", is("expiresInSeconds"));
        api.as(admin).body(Map.of("expiresInSeconds", 604801)).post("/api/enrollment-tokens").then().statusCode(400)
                .body("errors[0].field", is("expiresInSeconds"));
        api.as(admin).body(Map.of("name", "x".repeat(101))).post("/api/enrollment-tokens").then().statusCode(400)
                .body("errors[0].field", is("name"));
        api.as(admin).body(Map.of("label", "x")).post("/api/enrollment-tokens").then().statusCode(400)
                .body("errors[0].field", is("label"));

        String token = newToken(admin, Map.of());
        enroll(token, "-bad name").then().statusCode(400).body("errors[0].field", is("name"));
        api.request().body(Map.of("name", uniqueName("x"))).post("/api/auth/enroll").then().statusCode(400)
                .body("errors[0].field", is("enrollmentToken"));
        api.request().body(Map.of("enrollmentToken", token)).post("/api/auth/enroll").then().statusCode(400)
                .body("errors[0].field", is("name"));
        api.request().body(Map.of("enrollmentToken", token, "name", uniqueName("x"), "role", "admin"))
                .post("/api/auth/enroll").then().statusCode(400).body("errors[0].field", is("role"));
        // none of these used the token up
        enroll(token, uniqueName("ok")).then().statusCode(201);
    }

    @Test
    void failedEnrollmentsFromOneAddressAreThrottled() {
        String admin = api.adminToken();
        String token = newToken(admin, Map.of());
        IdentityApi guesser = new IdentityApi();
        // the test profile allows 6 failures per address in the window
        for (int i = 0; i < 6; i++) {
            guesser.request().body(Map.of("enrollmentToken", "aye_" + UUID.randomUUID(), "name", uniqueName("g")))
                    .post("/api/auth/enroll").then().statusCode(401);
        }
        String retryAfter = guesser.request().body(Map.of("enrollmentToken", token, "name", uniqueName("g")))
                .post("/api/auth/enroll").then().statusCode(429).contentType(PROBLEM_JSON)
                .extract().header("Retry-After");
        assertTrue(Integer.parseInt(retryAfter) > 0);
        // the refused attempt did not use the token: from another address it still works
        enroll(token, uniqueName("honest")).then().statusCode(201);
    }

    private String newToken(String admin, Map<String, Object> body) {
        return api.as(admin).body(body).post("/api/enrollment-tokens").then().statusCode(201).extract().path("token");
    }

    /** Each enrollment comes from an address of its own, so throttling of one never spills into another. */
    private io.restassured.response.Response enroll(String token, String name) {
        return new IdentityApi().request().body(Map.of("enrollmentToken", token, "name", name))
                .post("/api/auth/enroll");
    }

    private void execute(String sql) throws SQLException {
        try (var connection = database.getConnection(); var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private long count(String sql) throws SQLException {
        try (var connection = database.getConnection(); var statement = connection.createStatement();
             var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
