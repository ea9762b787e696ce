package io.agentyard.agent;

import static io.agentyard.agent.AgentsTest.PROBLEM;
import static io.agentyard.agent.AgentsTest.as;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** /api/tools: admins write, everyone reads. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class ToolsTest {

    final String admin = TestTokens.admin();

    @Test
    void adminsRegisterAndEveryoneReads() {
        String name = "github-" + UUID.randomUUID().toString().substring(0, 6);
        String id = as(admin).body(Map.of("name", name, "toolType", "api",
                        "configuration", Map.of("baseUrl", "https://api.github.com")))
                .post("/api/tools").then().statusCode(201)
                .body("name", is(name)).body("toolType", is("api")).body("active", is(true))
                .body("configuration.baseUrl", is("https://api.github.com"))
                .extract().path("id");
        for (String reader : new String[] {TestTokens.developer(UUID.randomUUID()), TestTokens.viewer(),
                TestTokens.worker(UUID.randomUUID()), TestTokens.service()}) {
            as(reader).get("/api/tools/" + id).then().statusCode(200);
            as(reader).get("/api/tools?toolType=api&size=100").then().statusCode(200).body("items.id", hasItem(id));
        }
    }

    @Test
    void onlyAdminsWrite() {
        String developer = TestTokens.developer(UUID.randomUUID());
        as(developer).body(Map.of("name", "sneaky", "toolType", "file")).post("/api/tools")
                .then().statusCode(403).contentType(PROBLEM);
        String id = as(admin).body(Map.of("name", "files-" + UUID.randomUUID().toString().substring(0, 6),
                "toolType", "file")).post("/api/tools").then().statusCode(201).extract().path("id");
        as(developer).body(Map.of("active", false)).patch("/api/tools/" + id).then().statusCode(403);
        as(developer).delete("/api/tools/" + id).then().statusCode(403);
    }

    @Test
    void namesAreUniqueAndChangesApply() {
        String name = "db-" + UUID.randomUUID().toString().substring(0, 6);
        String id = as(admin).body(Map.of("name", name, "toolType", "database")).post("/api/tools")
                .then().statusCode(201).extract().path("id");
        as(admin).body(Map.of("name", name.toUpperCase(), "toolType", "api")).post("/api/tools")
                .then().statusCode(409).contentType(PROBLEM);
        as(admin).body(Map.of("active", false, "description", "read replica")).patch("/api/tools/" + id)
                .then().statusCode(200).body("active", is(false)).body("description", is("read replica"))
                .body("toolType", is("database"));
        as(admin).body(Map.of("name", "x", "toolType", "robot")).post("/api/tools").then().statusCode(400)
                .body("errors[0].field", is("toolType"));
        as(admin).delete("/api/tools/" + id).then().statusCode(204);
        as(admin).get("/api/tools/" + id).then().statusCode(404);
    }
}
