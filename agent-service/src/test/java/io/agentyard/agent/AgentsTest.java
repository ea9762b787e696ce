package io.agentyard.agent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** /api/agents: create, read, change, delete, list; who may do what. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class AgentsTest {

    static final String PROBLEM = "application/problem+json";

    final UUID owner = UUID.randomUUID();
    final String ownerToken = TestTokens.developer(owner);

    static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).auth().oauth2(token);
    }

    static Map<String, Object> agent(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("description", "Reviews pull requests");
        body.put("category", "review");
        body.put("agentType", "assistive");
        body.put("configuration", Map.of("llmProvider", "anthropic", "model", "claude-sonnet", "temperature", 0.2,
                "maxTokens", 4096, "systemPrompt", "Be brief.", "retries", 3));
        body.put("capabilities", List.of("java", "code-review"));
        return body;
    }

    String create(String token, String name) {
        return as(token).body(agent(name)).post("/api/agents").then().statusCode(201).extract().path("id");
    }

    @Test
    void createStoresEveryFieldAndPointsToTheAgent() {
        var response = as(ownerToken).body(agent("Reviewer")).post("/api/agents").then().statusCode(201)
                .body("ownerId", is(owner.toString()))
                .body("name", is("Reviewer"))
                .body("category", is("review"))
                .body("agentType", is("assistive"))
                .body("status", is("created"))
                .body("active", is(true))
                .body("configuration.model", is("claude-sonnet"))
                .body("configuration.temperature", is(0.2f))
                .body("configuration.retries", is(3))
                .body("configuration.codeStyle", nullValue())
                .body("capabilities", is(List.of("java", "code-review")))
                .extract();
        String id = response.path("id");
        org.junit.jupiter.api.Assertions.assertTrue(response.header("Location").endsWith("/api/agents/" + id));
        as(ownerToken).get("/api/agents/" + id).then().statusCode(200).body("name", is("Reviewer"));
    }

    @Test
    void invalidAgentsAreRefusedFieldByField() {
        Map<String, Object> body = agent("Bad");
        body.put("category", "astrology");
        as(ownerToken).body(body).post("/api/agents").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", is("category"))
                .body("errors[0].message", is("must be one of analysis, documentation, testing, review, deployment"));
        body = agent("Bad");
        body.put("configuration", Map.of("temperature", 3.5, "maxTokens", 0));
        as(ownerToken).body(body).post("/api/agents").then().statusCode(400)
                .body("errors.field", hasItem("configuration.temperature"))
                .body("errors.field", hasItem("configuration.maxTokens"));
        body = agent(" spaced ");
        as(ownerToken).body(body).post("/api/agents").then().statusCode(400).body("errors[0].field", is("name"));
        as(ownerToken).body(Map.of("name", "x")).post("/api/agents").then().statusCode(400)
                .body("errors.field", hasItem("category")).body("errors.field", hasItem("agentType"));
    }

    @Test
    void namesAreUniquePerOwnerIgnoringCase() {
        create(ownerToken, "Tester");
        as(ownerToken).body(agent("TESTER")).post("/api/agents").then().statusCode(409).contentType(PROBLEM);
        create(TestTokens.developer(UUID.randomUUID()), "Tester");
        String other = create(ownerToken, "Other");
        as(ownerToken).body(Map.of("name", "tester")).patch("/api/agents/" + other).then().statusCode(409);
    }

    @Test
    void aDeveloperCannotSeeOrTouchAnothersAgent() {
        String id = create(ownerToken, "Private");
        String stranger = TestTokens.developer(UUID.randomUUID());
        as(stranger).get("/api/agents/" + id).then().statusCode(404).contentType(PROBLEM);
        as(stranger).body(Map.of("name", "Mine")).patch("/api/agents/" + id).then().statusCode(404);
        as(stranger).delete("/api/agents/" + id).then().statusCode(404);
        as(stranger).get("/api/agents?size=100").then().statusCode(200).body("items.id", not(hasItem(id)));
        as(ownerToken).get("/api/agents/" + id).then().statusCode(200);
    }

    @Test
    void adminsSeeAndChangeEveryAgent() {
        String id = create(ownerToken, "Managed");
        String admin = TestTokens.admin();
        as(admin).get("/api/agents?size=100&ownerId=" + owner).then().statusCode(200)
                .body("items.id", hasItem(id)).body("items.ownerId", everyItem(is(owner.toString())));
        as(admin).body(Map.of("status", "stopped")).patch("/api/agents/" + id).then().statusCode(200)
                .body("status", is("stopped"));
    }

    @Test
    void viewersReadButNeverWrite() {
        String id = create(ownerToken, "Visible");
        String viewer = TestTokens.viewer();
        as(viewer).get("/api/agents/" + id).then().statusCode(200);
        as(viewer).get("/api/agents?size=100").then().statusCode(200).body("items.id", hasItem(id));
        as(viewer).body(agent("Nope")).post("/api/agents").then().statusCode(403).contentType(PROBLEM);
        as(viewer).body(Map.of("name", "x")).patch("/api/agents/" + id).then().statusCode(403);
        as(viewer).delete("/api/agents/" + id).then().statusCode(403);
        given().get("/api/agents").then().statusCode(401).contentType(PROBLEM);
    }

    @Test
    void putReplacesTheAgentAndKeepsItsStatus() {
        String id = create(ownerToken, "Replaceable");
        as(ownerToken).body(Map.of("status", "coding")).patch("/api/agents/" + id).then().statusCode(200);
        as(ownerToken).body(Map.of("name", "Replaced", "category", "testing", "agentType", "automation"))
                .put("/api/agents/" + id).then().statusCode(200)
                .body("name", is("Replaced")).body("category", is("testing")).body("agentType", is("automation"))
                .body("description", nullValue()).body("configuration.size()", is(0))
                .body("capabilities", hasSize(0)).body("active", is(true)).body("status", is("coding"));
        // a PUT is a whole agent: what a create requires, it requires
        as(ownerToken).body(Map.of("name", "Half")).put("/api/agents/" + id).then().statusCode(400)
                .contentType(PROBLEM).body("errors.field", hasItems("category", "agentType"));
        String stranger = TestTokens.developer(UUID.randomUUID());
        as(stranger).body(agent("Theirs")).put("/api/agents/" + id).then().statusCode(404);
        as(TestTokens.viewer()).body(agent("Viewer")).put("/api/agents/" + id).then().statusCode(403);
    }

    @Test
    void patchChangesOnlyWhatIsSent() {
        String id = create(ownerToken, "Patchable");
        as(ownerToken).body(Map.of("status", "coding", "capabilities", List.of("python"))).patch("/api/agents/" + id)
                .then().statusCode(200)
                .body("status", is("coding"))
                .body("capabilities", is(List.of("python")))
                .body("name", is("Patchable"))
                .body("configuration.model", is("claude-sonnet"));
        as(ownerToken).body(Map.of("status", "sleeping")).patch("/api/agents/" + id).then().statusCode(400);
    }

    @Test
    void deleteRemovesTheAgent() {
        String id = create(ownerToken, "Doomed");
        as(ownerToken).delete("/api/agents/" + id).then().statusCode(204);
        as(ownerToken).get("/api/agents/" + id).then().statusCode(404);
        as(ownerToken).delete("/api/agents/" + id).then().statusCode(404);
    }

    @Test
    void listFiltersSortsAndPages() {
        UUID me = UUID.randomUUID();
        String token = TestTokens.developer(me);
        for (String name : List.of("Charlie", "alpha", "Bravo")) {
            create(token, name);
        }
        String docs = as(token).body(Map.of("name", "Delta", "category", "documentation", "agentType", "automation"))
                .post("/api/agents").then().statusCode(201).extract().path("id");
        as(token).body(Map.of("active", false)).patch("/api/agents/" + docs).then().statusCode(200);

        as(token).get("/api/agents?sort=name").then().statusCode(200)
                .body("total", is(4)).body("items.name", is(List.of("alpha", "Bravo", "Charlie", "Delta")));
        as(token).get("/api/agents?sort=-name&size=2&page=1").then().statusCode(200)
                .body("items.name", is(List.of("Bravo", "alpha"))).body("page", is(1)).body("total", is(4));
        as(token).get("/api/agents?category=documentation").then().body("items", hasSize(1))
                .body("items[0].id", is(docs));
        as(token).get("/api/agents?active=false").then().body("items.id", is(List.of(docs)));
        as(token).get("/api/agents?status=created&active=true").then().body("total", is(3));
        as(token).get("/api/agents?sort=secret").then().statusCode(400).body("errors[0].field", is("sort"));
        as(token).get("/api/agents?status=asleep").then().statusCode(400).body("errors[0].field", is("status"));
        as(token).get("/api/agents?size=0").then().statusCode(400).body("errors[0].field", is("size"));
    }

    @Test
    void workersCannotUseTheAgentApi() {
        as(TestTokens.worker(UUID.randomUUID())).get("/api/agents").then().statusCode(403);
    }
}
