package io.agentyard.agent;

import static io.agentyard.agent.AgentsTest.PROBLEM;
import static io.agentyard.agent.AgentsTest.as;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** /api/workflows: versioned, validated graph definitions. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class WorkflowsTest {

    final String owner = TestTokens.developer(UUID.randomUUID());

    static Map<String, Object> graph(String entry, List<Map<String, Object>> edges) {
        return Map.of("entry", entry,
                "nodes", List.of(Map.of("id", "plan", "type", "llm_call"), Map.of("id", "code", "type", "tool"),
                        Map.of("id", "review", "type", "human_approval"), Map.of("id", "done", "type", "end")),
                "edges", edges);
    }

    static final List<Map<String, Object>> LINE = List.of(Map.of("from", "plan", "to", "code"),
            Map.of("from", "code", "to", "review"), Map.of("from", "review", "to", "done", "condition", "approved"));

    String create(String name) {
        return as(owner).body(Map.of("name", name, "description", "Plan, code, review",
                        "definition", graph("plan", LINE)))
                .post("/api/workflows").then().statusCode(201)
                .body("version", is(1))
                .body("definition.entry", is("plan"))
                .body("definition.nodes.id", is(List.of("plan", "code", "review", "done")))
                .extract().path("id");
    }

    @Test
    void updatingTheDefinitionMakesANewVersionAndKeepsTheOld() {
        String id = create("Feature flow");
        List<Map<String, Object>> loop = List.of(Map.of("from", "plan", "to", "code"),
                Map.of("from", "code", "to", "review"), Map.of("from", "review", "to", "code", "condition", "rejected"),
                Map.of("from", "review", "to", "done", "condition", "approved"));
        as(owner).body(Map.of("definition", graph("plan", loop))).patch("/api/workflows/" + id)
                .then().statusCode(200).body("version", is(2)).body("definition.edges.size()", is(4));
        as(owner).body(Map.of("description", "renamed only")).patch("/api/workflows/" + id)
                .then().statusCode(200).body("version", is(2)).body("description", is("renamed only"));

        as(owner).get("/api/workflows/" + id).then().statusCode(200).body("version", is(2));
        as(owner).get("/api/workflows/" + id + "/versions/1").then().statusCode(200)
                .body("version", is(1)).body("definition.edges.size()", is(3));
        as(owner).get("/api/workflows/" + id + "/versions").then().statusCode(200)
                .body("items.version", is(List.of(2, 1))).body("total", is(2));
        as(owner).get("/api/workflows/" + id + "/versions/3").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void danglingEdgesUnknownEntryAndDuplicateNodesAre422() {
        Map<String, Object> broken = Map.of("entry", "start",
                "nodes", List.of(Map.of("id", "a", "type", "llm_call"), Map.of("id", "a", "type", "tool"),
                        Map.of("id", "end", "type", "end")),
                "edges", List.of(Map.of("from", "a", "to", "nowhere"), Map.of("from", "end", "to", "a")));
        as(owner).body(Map.of("name", "Broken", "definition", broken)).post("/api/workflows")
                .then().statusCode(422).contentType(PROBLEM)
                .body("title", is("Invalid workflow definition"))
                .body("errors.field", hasItems("definition.entry", "definition.nodes[1].id",
                        "definition.edges[0].to", "definition.edges[1].from"))
                .body("errors.message", hasItem("dangling edge: no node 'nowhere'"));
        String id = create("Fine");
        as(owner).body(Map.of("definition", graph("ghost", LINE))).patch("/api/workflows/" + id)
                .then().statusCode(422).body("errors[0].field", is("definition.entry"));
        as(owner).get("/api/workflows/" + id).then().body("version", is(1));
    }

    @Test
    void malformedDefinitionsAre400() {
        as(owner).body(Map.of("name", "Empty", "definition", Map.of("entry", "a", "nodes", List.of())))
                .post("/api/workflows").then().statusCode(400).body("errors[0].field", is("definition.nodes"));
        as(owner).body(Map.of("name", "Typo", "definition", Map.of("entry", "a",
                        "nodes", List.of(Map.of("id", "a", "type", "teleport")))))
                .post("/api/workflows").then().statusCode(400)
                .body("errors[0].field", is("definition.nodes[0].type"));
        as(owner).body(Map.of("name", "Nothing")).post("/api/workflows").then().statusCode(400)
                .body("errors[0].field", is("definition"));
    }

    @Test
    void workflowsAreOwnedLikeAgents() {
        String id = create("Mine");
        String stranger = TestTokens.developer(UUID.randomUUID());
        as(stranger).get("/api/workflows/" + id).then().statusCode(404);
        as(stranger).get("/api/workflows/" + id + "/versions/1").then().statusCode(404);
        as(stranger).body(Map.of("description", "x")).patch("/api/workflows/" + id).then().statusCode(404);
        as(TestTokens.viewer()).get("/api/workflows/" + id).then().statusCode(200);
        as(TestTokens.viewer()).delete("/api/workflows/" + id).then().statusCode(403);
        as(owner).body(Map.of("name", "MINE", "definition", graph("plan", LINE))).post("/api/workflows")
                .then().statusCode(409);
        as(TestTokens.admin()).delete("/api/workflows/" + id).then().statusCode(204);
        as(owner).get("/api/workflows/" + id).then().statusCode(404);
    }

    @Test
    void listShowsCurrentDefinitions() {
        String token = TestTokens.developer(UUID.randomUUID());
        String id = as(token).body(Map.of("name", "Listed", "definition", graph("plan", LINE)))
                .post("/api/workflows").then().statusCode(201).extract().path("id");
        as(token).body(Map.of("definition", graph("code", LINE))).patch("/api/workflows/" + id).then().statusCode(200);
        as(token).get("/api/workflows").then().statusCode(200)
                .body("total", is(1)).body("items[0].version", is(2)).body("items[0].definition.entry", is("code"));
    }
}
