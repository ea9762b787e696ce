package io.agentyard.task;

import static io.agentyard.task.TaskApi.PROBLEM;
import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.status;
import static io.agentyard.task.TaskApi.task;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** /api/tasks and /api/projects: fields, validation, ownership, filters, cancellation. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class TasksTest {

    @Inject
    TaskApi api;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    @Test
    void aTaskKeepsEverySeedFieldAndIsDispatchedToItsTypesQueue() {
        String projectId = as(owner).body(Map.of("name", "app-" + UUID.randomUUID().toString().substring(0, 6),
                        "repositoryUrl", "https://github.com/acme/app", "language", "java", "framework", "quarkus"))
                .post("/api/projects").then().statusCode(201).body("status", is("active")).extract().path("id");
        Map<String, Object> body = task("bugfix", "autonomous");
        body.putAll(Map.of("description", "NPE on login", "priority", "high", "repositoryUrl",
                "https://github.com/acme/app", "branchName", "fix/npe", "issueNumber", 12, "prNumber", 34,
                "context", Map.of("stack", "..."), "metadata", Map.of("labels", List.of("p1")), "projectId", projectId));
        String id = as(owner).body(body).post("/api/tasks").then().statusCode(201)
                .body("status", is("queued")).body("priority", is("high")).body("createdBy", is(ownerId.toString()))
                .body("projectId", is(projectId)).body("issueNumber", is(12)).body("branchName", is("fix/npe"))
                .body("metadata.labels", is(List.of("p1")))
                .extract().path("id");
        assertEquals(1, api.count("select count(*) from task.work_orders where task_id = '" + id
                + "' and queue_name = 'bugfix' and status = 'pending' and priority = 2"));
        assertEquals(1, api.count("select count(*) from task.outbox_events where subject_id = '" + id
                + "' and event_type = 'task.dispatched'"));
    }

    @Test
    void aTaskFiledForAnAgentAndWorkflowKeepsThemAndItsInputAndListsByThem() {
        UUID agentId = UUID.randomUUID();
        UUID workflowId = UUID.randomUUID();
        Map<String, Object> body = task("feature", "human_required");
        body.putAll(Map.of("agentId", agentId.toString(), "workflowId", workflowId.toString(),
                "input", Map.of("prompt", "add a login page", "attempts", 2)));
        String forBoth = as(owner).body(body).post("/api/tasks").then().statusCode(201)
                .body("agentId", is(agentId.toString())).body("workflowId", is(workflowId.toString()))
                .body("input.prompt", is("add a login page")).body("input.attempts", is(2))
                .extract().path("id");
        Map<String, Object> agentOnly = task("feature", "human_required");
        agentOnly.put("agentId", agentId.toString());
        String forAgent = create(owner, agentOnly);
        String plain = create(owner, task("feature", "human_required"));
        as(owner).get("/api/tasks/" + plain).then().statusCode(200)
                .body("agentId", nullValue()).body("workflowId", nullValue()).body("input", nullValue());

        as(owner).get("/api/tasks?agentId=" + agentId + "&sort=createdAt").then().statusCode(200)
                .body("total", is(2)).body("items.id", is(List.of(forBoth, forAgent)));
        as(owner).get("/api/tasks?workflowId=" + workflowId).then().statusCode(200)
                .body("total", is(1)).body("items[0].id", is(forBoth));
        as(owner).get("/api/tasks?agentId=" + agentId + "&workflowId=" + UUID.randomUUID()).then().statusCode(200)
                .body("total", is(0));
        as(TestTokens.developer(UUID.randomUUID())).get("/api/tasks?agentId=" + agentId).then().statusCode(200)
                .body("total", is(0));
    }

    @Test
    void aTasksInputMustBeAJsonObject() {
        Map<String, Object> body = task("docs", "autonomous");
        body.put("input", "just text");
        as(owner).body(body).post("/api/tasks").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", is("input"));
        body.put("input", List.of(1, 2));
        as(owner).body(body).post("/api/tasks").then().statusCode(400).body("errors[0].field", is("input"));
        body.put("agentId", "not-a-uuid");
        body.remove("input");
        as(owner).body(body).post("/api/tasks").then().statusCode(400).body("errors[0].field", is("agentId"));
    }

    @Test
    void badTasksAreRefusedFieldByField() {
        as(owner).body(Map.of("title", "x")).post("/api/tasks").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("taskType")).body("errors.field", hasItem("permissionLevel"));
        Map<String, Object> body = task("chores", "autonomous");
        as(owner).body(body).post("/api/tasks").then().statusCode(400).body("errors[0].field", is("taskType"));
        body = task("docs", "autonomous");
        body.put("repositoryUrl", "not a url");
        body.put("issueNumber", 0);
        as(owner).body(body).post("/api/tasks").then().statusCode(400)
                .body("errors.field", hasItem("repositoryUrl")).body("errors.field", hasItem("issueNumber"));
        body = task("docs", "autonomous");
        body.put("projectId", UUID.randomUUID().toString());
        as(owner).body(body).post("/api/tasks").then().statusCode(404).contentType(PROBLEM);
        body = task("docs", "autonomous");
        body.put("parentTaskId", UUID.randomUUID().toString());
        as(owner).body(body).post("/api/tasks").then().statusCode(404);
    }

    @Test
    void othersCannotSeeOrChangeATaskButAdminsAndViewersRead() {
        String id = create(owner, task("docs", "human_required"));
        String stranger = TestTokens.developer(UUID.randomUUID());
        as(stranger).get("/api/tasks/" + id).then().statusCode(404);
        as(stranger).post("/api/tasks/" + id + "/cancel").then().statusCode(404);
        as(stranger).body(Map.of("title", "mine")).patch("/api/tasks/" + id).then().statusCode(404);
        as(stranger).get("/api/tasks?size=100").then().body("items.id", not(hasItem(id)));
        as(TestTokens.viewer()).get("/api/tasks/" + id).then().statusCode(200);
        as(TestTokens.viewer()).post("/api/tasks/" + id + "/approve").then().statusCode(403);
        as(TestTokens.admin()).body(Map.of("title", "renamed")).patch("/api/tasks/" + id).then().statusCode(200)
                .body("title", is("renamed"));
        as(TestTokens.worker(UUID.randomUUID())).get("/api/tasks/" + id).then().statusCode(403);
    }

    @Test
    void cancellingAParentCancelsItsOpenSubtasksAndWithdrawsTheirOrders() {
        String parent = create(owner, task("feature", "human_required"));
        Map<String, Object> child = task("test", "autonomous");
        child.put("parentTaskId", parent);
        String first = create(owner, child);
        Map<String, Object> grandChild = task("docs", "human_required");
        grandChild.put("parentTaskId", first);
        String second = create(owner, grandChild);
        as(owner).post("/api/tasks/" + parent + "/cancel").then().statusCode(200).body("status", is("cancelled"));
        assertEquals("cancelled", status(owner, first));
        assertEquals("cancelled", status(owner, second));
        assertEquals(0, api.count("select count(*) from task.work_orders where task_id = '" + first
                + "' and status = 'pending'"));
        as(owner).post("/api/tasks/" + parent + "/cancel").then().statusCode(409).contentType(PROBLEM)
                .body("detail", is("the task is already cancelled"));
        as(owner).post("/api/tasks/" + parent + "/approve").then().statusCode(409);
        child.put("parentTaskId", parent);
        as(owner).body(child).post("/api/tasks").then().statusCode(409);
    }

    @Test
    void listFiltersAndSorts() {
        String token = TestTokens.developer(UUID.randomUUID());
        Map<String, Object> urgent = task("review", "human_required");
        urgent.put("priority", "critical");
        String urgentId = create(token, urgent);
        create(token, task("docs", "human_required"));
        create(token, task("docs", "human_required"));
        as(token).get("/api/tasks?sort=-priority").then().statusCode(200)
                .body("total", is(3)).body("items[0].id", is(urgentId));
        as(token).get("/api/tasks?taskType=docs").then().body("total", is(2));
        as(token).get("/api/tasks?priority=critical&status=pending").then().body("items.id", is(List.of(urgentId)));
        as(token).get("/api/tasks?status=done").then().statusCode(400).body("errors[0].field", is("status"));
        as(token).get("/api/tasks?createdBy=" + ownerId).then().statusCode(200).body("total", is(0));
    }

    @Test
    void projectsAreOwnedAndSoftDeleted() {
        String name = "proj-" + UUID.randomUUID().toString().substring(0, 6);
        String id = as(owner).body(Map.of("name", name, "agents", List.of(UUID.randomUUID().toString())))
                .post("/api/projects").then().statusCode(201).extract().path("id");
        as(owner).body(Map.of("name", name.toUpperCase())).post("/api/projects").then().statusCode(409);
        as(TestTokens.developer(UUID.randomUUID())).get("/api/projects/" + id).then().statusCode(404);
        as(owner).body(Map.of("status", "archived")).patch("/api/projects/" + id).then().statusCode(200)
                .body("status", is("archived"));
        Map<String, Object> body = task("docs", "autonomous");
        body.put("projectId", id);
        as(owner).body(body).post("/api/tasks").then().statusCode(409);
        as(owner).delete("/api/projects/" + id).then().statusCode(204);
        as(owner).get("/api/projects/" + id).then().statusCode(404);
        as(owner).get("/api/projects?status=deleted&size=100").then().body("items.id", hasItem(id));
        as(owner).body(Map.of("name", name)).post("/api/projects").then().statusCode(201);
    }

    @Test
    void putReplacesAProjectAndKeepsItsStatus() {
        String name = "put-" + UUID.randomUUID().toString().substring(0, 6);
        String id = as(owner).body(Map.of("name", name, "repositoryUrl", "https://github.com/acme/app", "language", "java"))
                .post("/api/projects").then().statusCode(201).extract().path("id");
        as(owner).body(Map.of("status", "archived")).patch("/api/projects/" + id).then().statusCode(200);
        as(owner).body(Map.of("name", name + "-2", "framework", "quarkus")).put("/api/projects/" + id).then()
                .statusCode(200).body("name", is(name + "-2")).body("framework", is("quarkus"))
                .body("repositoryUrl", nullValue()).body("language", nullValue()).body("status", is("archived"));
        as(owner).body(Map.of("framework", "quarkus")).put("/api/projects/" + id).then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", is("name"));
        as(TestTokens.developer(UUID.randomUUID())).body(Map.of("name", "theirs")).put("/api/projects/" + id)
                .then().statusCode(404);
    }
}
