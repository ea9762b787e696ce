package io.agentyard.identity;

import static io.agentyard.identity.IdentityApi.PROBLEM_JSON;
import static io.agentyard.identity.IdentityApi.uniqueName;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Machine identities and the client-credentials grant. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class ServiceClientTest {

    final IdentityApi api = new IdentityApi();

    @Test
    void workerClientGetsATokenWithItsWorkerIdAsSubject() throws Exception {
        String admin = api.adminToken();
        String workerId = UUID.randomUUID().toString();
        Map<String, Object> client = api.as(admin)
                .body(Map.of("name", uniqueName("worker"), "role", "worker", "subject", workerId))
                .post("/api/service-clients").then().statusCode(201)
                .header("Location", notNullValue())
                .body("role", is("worker"))
                .body("subject", is(workerId))
                .body("active", is(true))
                .body("secret", notNullValue())
                .extract().as(Map.class);

        String token = api.request().body(Map.of("clientId", client.get("id"), "clientSecret", client.get("secret")))
                .post("/api/auth/token").then().statusCode(200)
                .body("tokenType", is("Bearer"))
                .body("refreshToken", nullValue())
                .extract().path("accessToken");
        Map<?, ?> claims = new ObjectMapper().readValue(Base64.getUrlDecoder().decode(token.split("\\.")[1]), Map.class);
        assertEquals(workerId, claims.get("sub"));
        assertEquals(List.of("worker"), claims.get("groups"));
        assertEquals(client.get("id"), claims.get("client_id"));

        api.as(admin).get("/api/service-clients/" + client.get("id")).then().statusCode(200)
                .body("secret", nullValue())
                .body("lastUsedAt", notNullValue());
    }

    @Test
    void serviceClientWithoutSubjectUsesItsOwnId() {
        String admin = api.adminToken();
        Map<String, Object> client = api.as(admin).body(Map.of("name", uniqueName("svc"), "role", "service"))
                .post("/api/service-clients").then().statusCode(201).extract().as(Map.class);
        assertEquals(client.get("id"), client.get("subject"));
        api.request().body(Map.of("clientId", client.get("id"), "clientSecret", client.get("secret")))
                .post("/api/auth/token").then().statusCode(200);
    }

    @Test
    void wrongSecretAndUnknownClientAreRefusedAlike() {
        String admin = api.adminToken();
        String id = api.as(admin).body(Map.of("name", uniqueName("svc"), "role", "service"))
                .post("/api/service-clients").then().statusCode(201).extract().path("id");
        String wrong = api.request().body(Map.of("clientId", id, "clientSecret", "nope"))
                .post("/api/auth/token").then().statusCode(401).contentType(PROBLEM_JSON).extract().path("detail");
        String unknown = new IdentityApi().request().body(Map.of("clientId", "no-such-client", "clientSecret", "nope"))
                .post("/api/auth/token").then().statusCode(401).extract().path("detail");
        assertEquals(wrong, unknown);
    }

    @Test
    void revokedClientCanNoLongerGetTokens() {
        String admin = api.adminToken();
        Map<String, Object> client = api.as(admin).body(Map.of("name", uniqueName("old"), "role", "service"))
                .post("/api/service-clients").then().statusCode(201).extract().as(Map.class);
        api.as(admin).delete("/api/service-clients/" + client.get("id")).then().statusCode(204);
        api.request().body(Map.of("clientId", client.get("id"), "clientSecret", client.get("secret")))
                .post("/api/auth/token").then().statusCode(401);
        api.as(admin).get("/api/service-clients?size=100").then().statusCode(200)
                .body("items.id", hasItem(client.get("id")));
        api.as(admin).delete("/api/service-clients/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void badClientRequestsAreProblems() {
        String admin = api.adminToken();
        String name = uniqueName("dup");
        api.as(admin).body(Map.of("name", name, "role", "service")).post("/api/service-clients")
                .then().statusCode(201);
        api.as(admin).body(Map.of("name", name.toUpperCase(), "role", "service")).post("/api/service-clients")
                .then().statusCode(409).contentType(PROBLEM_JSON);
        api.as(admin).body(Map.of("name", uniqueName("x"), "role", "admin")).post("/api/service-clients")
                .then().statusCode(400).body("errors[0].field", is("role"));
        api.as(admin).body(Map.of("name", uniqueName("x"), "role", "worker", "subject", "not-a-uuid"))
                .post("/api/service-clients").then().statusCode(400).body("errors[0].field", is("subject"));
        api.as(admin).body(Map.of("role", "worker")).post("/api/service-clients")
                .then().statusCode(400).body("errors[0].field", is("name"));
        api.request().body(Map.of("clientId", "")).post("/api/auth/token").then().statusCode(400);
    }

    @Test
    void onlyAdminsManageClients() {
        Map<String, String> dev = api.newDeveloper();
        api.as(dev.get("accessToken")).body(Map.of("name", uniqueName("x"), "role", "service"))
                .post("/api/service-clients").then().statusCode(403).contentType(PROBLEM_JSON);
    }
}
