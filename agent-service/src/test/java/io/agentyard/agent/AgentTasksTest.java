package io.agentyard.agent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.SiblingService;
import io.agentyard.shared.testing.SiblingServiceResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * POST /api/agents/{id}/tasks against the real task-service: its built jar runs beside
 * agent-service in this run's database, Redis prefix and keys (SiblingServiceResource).
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
@QuarkusTestResource(value = SiblingServiceResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = SiblingServiceResource.MODULE, value = "task-service"))
class AgentTasksTest {

    static final String PROBLEM = "application/problem+json";

    @Inject
    CircuitBreakerMaintenance breakers;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    @BeforeEach
    void closeTheCircuit() {
        breakers.resetAll();
    }

    static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).auth().oauth2(token);
    }

    /** The same caller, speaking to task-service itself. */
    static RequestSpecification atTaskService(String token) {
        return as(token).baseUri("http://127.0.0.1").port(taskService().port());
    }

    static SiblingService taskService() {
        return SiblingServiceResource.running("task-service");
    }

    String agent(String token) {
        return as(token).body(Map.of("name", "Agent " + UUID.randomUUID().toString().substring(0, 8),
                        "category", "documentation", "agentType", "automation"))
                .post("/api/agents").then().statusCode(201).extract().path("id");
    }

    static Map<String, Object> task(String title) {
        Map<String, Object> body = new HashMap<>();
        body.put("title", title);
        body.put("taskType", "docs");
        body.put("permissionLevel", "human_required");
        return body;
    }

    ExtractableResponse<Response> file(String token, String agentId, Map<String, Object> body) {
        return as(token).body(body).post("/api/agents/" + agentId + "/tasks").then().extract();
    }

    @Test
    void aDeveloperFilesATaskForTheirActiveAgentAndTaskServiceHasItAsTheirs() {
        String agentId = agent(owner);
        Map<String, Object> body = task("Document the API");
        body.putAll(Map.of("description", "Every endpoint", "priority", "high",
                "repositoryUrl", "https://github.com/acme/app", "context", Map.of("files", List.of("README.md")),
                "input", Map.of("prompt", "document every endpoint", "depth", 2)));
        ExtractableResponse<Response> filed = as(owner).body(body).post("/api/agents/" + agentId + "/tasks")
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("agentId", is(agentId))
                .body("createdBy", is(ownerId.toString()))
                .body("title", is("Document the API"))
                .body("priority", is("high"))
                .body("input.prompt", is("document every endpoint"))
                .body("status", is("pending"))
                .extract();
        String taskId = filed.path("id");
        assertEquals(taskService().url() + "/api/tasks/" + taskId, filed.header("Location"),
                "task-service's Location, unchanged");

        atTaskService(owner).get("/api/tasks/" + taskId).then().statusCode(200)
                .body("agentId", is(agentId))
                .body("createdBy", is(ownerId.toString()))
                .body("input.depth", is(2))
                .body("context.files", is(List.of("README.md")));
        atTaskService(owner).get("/api/tasks?agentId=" + agentId).then().statusCode(200)
                .body("total", is(1)).body("items[0].id", is(taskId));
    }

    @Test
    void anAdminFilesForAnyonesAgentAndTheTaskIsTheAdmins() {
        String agentId = agent(owner);
        UUID adminId = UUID.randomUUID();
        String admin = TestTokens.forUser(adminId, "root", "admin");
        as(admin).body(task("Admin's task")).post("/api/agents/" + agentId + "/tasks").then().statusCode(201)
                .body("agentId", is(agentId)).body("createdBy", is(adminId.toString()));
    }

    @Test
    void aWorkflowOfTheCallersGoesWithTheTask() {
        String agentId = agent(owner);
        String workflowId = as(owner).body(Map.of("name", "Flow " + UUID.randomUUID().toString().substring(0, 8),
                        "definition", WorkflowsTest.graph("plan", WorkflowsTest.LINE)))
                .post("/api/workflows").then().statusCode(201).extract().path("id");
        Map<String, Object> body = task("Run the flow");
        body.put("workflowId", workflowId);
        as(owner).body(body).post("/api/agents/" + agentId + "/tasks").then().statusCode(201)
                .body("workflowId", is(workflowId)).body("agentId", is(agentId));

        body.put("workflowId", UUID.randomUUID().toString());
        as(owner).body(body).post("/api/agents/" + agentId + "/tasks").then().statusCode(404).contentType(PROBLEM)
                .body("detail", containsString("workflow"));
        as(owner).body(Map.of("active", false)).patch("/api/workflows/" + workflowId).then().statusCode(200);
        body.put("workflowId", workflowId);
        as(owner).body(body).post("/api/agents/" + agentId + "/tasks").then().statusCode(409).contentType(PROBLEM);
    }

    @Test
    void someoneElsesAgentIsNotFoundAndNothingIsFiled() {
        String agentId = agent(owner);
        String stranger = TestTokens.developer(UUID.randomUUID());
        as(stranger).body(task("Not mine")).post("/api/agents/" + agentId + "/tasks").then().statusCode(404)
                .contentType(PROBLEM).body("detail", is("agent " + agentId + " does not exist"));
        as(owner).body(task("Nobody's")).post("/api/agents/" + UUID.randomUUID() + "/tasks").then().statusCode(404);
        atTaskService(TestTokens.admin()).get("/api/tasks?agentId=" + agentId).then().statusCode(200)
                .body("total", is(0));
    }

    @Test
    void anInactiveAgentIsAConflict() {
        String agentId = agent(owner);
        as(owner).body(Map.of("active", false)).patch("/api/agents/" + agentId).then().statusCode(200);
        as(owner).body(task("Too late")).post("/api/agents/" + agentId + "/tasks").then().statusCode(409)
                .contentType(PROBLEM).body("detail", is("agent " + agentId + " is not active"));
        atTaskService(owner).get("/api/tasks?agentId=" + agentId).then().body("total", is(0));
    }

    @Test
    void viewersServicesAndWorkersMayNotFileTasks() {
        String agentId = agent(owner);
        as(TestTokens.viewer()).body(task("Look only")).post("/api/agents/" + agentId + "/tasks").then()
                .statusCode(403).contentType(PROBLEM);
        as(TestTokens.service()).body(task("Machine")).post("/api/agents/" + agentId + "/tasks").then()
                .statusCode(403);
        as(TestTokens.worker(UUID.randomUUID())).body(task("Worker")).post("/api/agents/" + agentId + "/tasks")
                .then().statusCode(403);
        given().contentType(ContentType.JSON).body(task("Anonymous")).post("/api/agents/" + agentId + "/tasks")
                .then().statusCode(401);
    }

    @Test
    void taskServicesRefusalsReachTheCallerAsTheyAre() {
        String agentId = agent(owner);
        Map<String, Object> untitled = task("x");
        untitled.remove("title");
        untitled.put("repositoryUrl", "not a url");
        as(owner).body(untitled).post("/api/agents/" + agentId + "/tasks").then().statusCode(400)
                .contentType(PROBLEM)
                .body("instance", is("/api/tasks"))
                .body("errors.field", hasItem("title"))
                .body("errors.field", hasItem("repositoryUrl"));
        Map<String, Object> elsewhere = task("In a project that is not there");
        UUID projectId = UUID.randomUUID();
        elsewhere.put("projectId", projectId.toString());
        as(owner).body(elsewhere).post("/api/agents/" + agentId + "/tasks").then().statusCode(404)
                .contentType(PROBLEM).body("detail", is("project " + projectId + " does not exist"));
        Map<String, Object> chores = task("Not a task type");
        chores.put("taskType", "chores");
        as(owner).body(chores).post("/api/agents/" + agentId + "/tasks").then().statusCode(400)
                .body("errors[0].field", is("taskType"));
        as(owner).post("/api/agents/" + agentId + "/tasks").then().statusCode(400).contentType(PROBLEM);
        // refusals are answers, not failures: the circuit stays closed
        as(owner).body(task("Still fine")).post("/api/agents/" + agentId + "/tasks").then().statusCode(201);
    }

    @Test
    void agentServiceRunsNoneOfTaskServicesCode() {
        as(owner).get("/api/tasks").then().statusCode(404);
        atTaskService(owner).get("/api/tasks").then().statusCode(200);
    }

    @Test
    void whileTaskServiceIsDownCallersGetA503AtOnceAndFilingWorksAgainWhenItIsBack() {
        String agentId = agent(owner);
        taskService().stop();
        try {
            long started = System.nanoTime();
            as(owner).body(task("Nobody answers")).post("/api/agents/" + agentId + "/tasks").then().statusCode(503)
                    .contentType(PROBLEM)
                    .header("Retry-After", notNullValue())
                    .body("title", is("Service unavailable"))
                    .body("detail", containsString("task-service"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "a refused connection answers at once, took " + took);
        } finally {
            taskService().start();
        }
        breakers.resetAll();
        as(owner).body(task("Back again")).post("/api/agents/" + agentId + "/tasks").then().statusCode(201);
    }
}
