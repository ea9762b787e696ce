package io.agentyard.task;

import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.status;
import static io.agentyard.task.TaskApi.task;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * A work order's payload carries {@code repositoryUrl}: the task's own, else its project's, on
 * every path that makes or changes a waiting order (the worker clones it).
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class WorkOrderPayloadTest {

    static final String PROJECT_URL = "https://github.com/acme/project-repo";
    static final String OWN_URL = "https://github.com/acme/own-repo";

    @Inject
    TaskApi api;

    final String owner = TestTokens.developer(UUID.randomUUID());

    String project(String repositoryUrl) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("name", "project-" + UUID.randomUUID().toString().substring(0, 8));
        if (repositoryUrl != null) {
            body.put("repositoryUrl", repositoryUrl);
        }
        return as(owner).body(body).post("/api/projects").then().statusCode(201).extract().path("id");
    }

    Map<String, Object> taskIn(String projectId, String type, String permission) {
        Map<String, Object> body = task(type, permission);
        body.put("projectId", projectId);
        return body;
    }

    /** The task's latest work order as its owner reads it. */
    ValidatableResponse orderOf(String taskId) {
        return as(owner).get("/api/work-orders/" + api.orderOf(taskId)).then().statusCode(200);
    }

    @Test
    void aClaimedOrderCarriesTheProjectsUrlUnlessTheTaskHasItsOwn() {
        String projectId = project(PROJECT_URL);
        api.emptyQueue("docs");
        String inherits = create(owner, taskIn(projectId, "docs", "autonomous"));
        Map<String, Object> withOwn = taskIn(projectId, "docs", "autonomous");
        withOwn.put("repositoryUrl", OWN_URL);
        String keeps = create(owner, withOwn);
        String worker = api.worker(UUID.randomUUID(), "docs", 2);

        Map<String, Map<String, Object>> claimed = api.claim(worker, List.of("docs"), 2, 0).stream()
                .collect(Collectors.toMap(o -> (String) o.get("taskId"), Function.identity()));
        assertEquals(2, claimed.size());
        Map<?, ?> inherited = (Map<?, ?>) claimed.get(inherits).get("payload");
        assertEquals(PROJECT_URL, inherited.get("repositoryUrl"));
        assertEquals(projectId, inherited.get("projectId"));
        assertEquals(OWN_URL, ((Map<?, ?>) claimed.get(keeps).get("payload")).get("repositoryUrl"));
        // the task itself still has no URL of its own: the payload says where to clone, the task what was filed
        as(owner).get("/api/tasks/" + inherits).then().body("repositoryUrl", is((Object) null));

        for (Map<String, Object> order : claimed.values()) {
            as(worker).body(Map.of("attempt", order.get("attempt"), "exitCode", 0))
                    .post("/api/work-orders/" + order.get("id") + "/complete").then().statusCode(200);
        }
    }

    @Test
    void aRejectedRunGoesBackOnTheQueueWithTheProjectsUrl() {
        String projectId = project(PROJECT_URL);
        api.emptyQueue("refactor");
        String id = create(owner, taskIn(projectId, "refactor", "supervised"));
        String worker = api.worker(UUID.randomUUID(), "refactor", 1);
        Map<String, Object> order = api.claim(worker, List.of("refactor"), 1, 0).get(0);
        assertEquals(id, order.get("taskId"));
        as(worker).body(Map.of("attempt", order.get("attempt"), "exitCode", 0))
                .post("/api/work-orders/" + order.get("id") + "/complete").then().statusCode(200);
        as(owner).body(Map.of("comment", "smaller steps")).post("/api/tasks/" + id + "/reject").then().statusCode(200)
                .body("status", is("queued"));
        orderOf(id).body("status", is("pending"))
                .body("payload.repositoryUrl", is(PROJECT_URL))
                .body("payload.reviewComment", is("smaller steps"));
        as(owner).post("/api/tasks/" + id + "/cancel").then().statusCode(200);
    }

    @Test
    void ordersMadeAfterApprovalOrOnceDependenciesAreGoneCarryTheProjectsUrl() {
        String projectId = project(PROJECT_URL);
        String approved = create(owner, taskIn(projectId, "review", "human_required"));
        as(owner).post("/api/tasks/" + approved + "/approve").then().statusCode(200).body("status", is("queued"));
        orderOf(approved).body("payload.repositoryUrl", is(PROJECT_URL));

        String blocker = create(owner, task("review", "human_required"));
        Map<String, Object> blocked = taskIn(projectId, "review", "autonomous");
        blocked.put("dependsOn", List.of(Map.of("taskId", blocker)));
        String dependent = create(owner, blocked);
        assertEquals("pending", status(owner, dependent));
        as(owner).delete("/api/tasks/" + dependent + "/dependencies/" + blocker).then().statusCode(204);
        assertEquals("queued", status(owner, dependent));
        orderOf(dependent).body("payload.repositoryUrl", is(PROJECT_URL));

        // a project without a URL gives none
        String bare = create(owner, taskIn(project(null), "review", "autonomous"));
        orderOf(bare).body("payload", not(hasKey("repositoryUrl")));

        for (String id : List.of(approved, blocker, dependent, bare)) {
            as(owner).post("/api/tasks/" + id + "/cancel").then().statusCode(200);
        }
    }

    @Test
    void patchingATaskRebuildsItsWaitingOrdersPayload() {
        String projectId = project(PROJECT_URL);
        String id = create(owner, taskIn(projectId, "test", "autonomous"));
        orderOf(id).body("payload.repositoryUrl", is(PROJECT_URL)).body("priority", is(1));

        as(owner).body(Map.of("title", "Renamed", "priority", "critical")).patch("/api/tasks/" + id)
                .then().statusCode(200);
        orderOf(id).body("status", is("pending"))
                .body("priority", is(3))
                .body("payload.title", is("Renamed"))
                .body("payload.priority", is("critical"))
                .body("payload.repositoryUrl", is(PROJECT_URL));

        as(owner).body(Map.of("repositoryUrl", OWN_URL)).patch("/api/tasks/" + id).then().statusCode(200);
        orderOf(id).body("payload.repositoryUrl", is(OWN_URL)).body("payload.title", is("Renamed"));
        as(owner).post("/api/tasks/" + id + "/cancel").then().statusCode(200);
    }
}
