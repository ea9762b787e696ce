package io.agentyard.chat;

import static io.agentyard.chat.ChatApi.PROBLEM;
import static io.agentyard.chat.ChatApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.SseFollower;
import io.agentyard.shared.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The human in the loop, through the real task-service over Redis: a worker's question blocks its
 * task (lease kept), a person's answer lets it run on, and the worker receives the answer on the
 * conversation's stream and in its next heartbeat. Workers write only where they hold the task.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ServicesWorld.class, restrictToAnnotatedClass = true)
class QuestionsTest {

    @Inject
    AgroalDataSource database;

    @TestHTTPResource("/")
    URL base;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    static RequestSpecification taskService(String token) {
        return given().baseUri(ServicesWorld.taskService.url()).contentType(ContentType.JSON).auth().oauth2(token);
    }

    /** A task of the owner's, claimed in task-service by a new worker: the claimed order. */
    Map<String, Object> claimed(UUID workerId, String type) throws Exception {
        taskService(owner).body(Map.of("title", "Write the guide", "taskType", type, "permissionLevel", "autonomous"))
                .post("/api/tasks").then().statusCode(201);
        try (var connection = database.getConnection(); var statement = connection.prepareStatement(
                "insert into task.workers (id, worker_type, max_concurrent_tasks, status) values (?, ?, 2, 'idle')")) {
            statement.setObject(1, workerId);
            statement.setString(2, type);
            statement.executeUpdate();
        }
        List<Map<String, Object>> orders = taskService(TestTokens.worker(workerId))
                .body(Map.of("queues", List.of(type), "max", 1, "waitSeconds", 2))
                .post("/api/work-orders/claim").then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(1, orders.size());
        return orders.get(0);
    }

    String taskStatus(String taskId) {
        return taskService(owner).get("/api/tasks/" + taskId).then().statusCode(200).extract().path("status");
    }

    @Test
    void aQuestionBlocksTheTaskKeepsItsLeaseAndTheAnswerReachesTheWorker() throws Exception {
        UUID workerId = UUID.randomUUID();
        String worker = TestTokens.worker(workerId);
        Map<String, Object> order = claimed(workerId, "docs");
        String taskId = (String) order.get("taskId");
        String orderId = (String) order.get("id");

        UUID conversationId = UUID.fromString(as(worker).body(Map.of("taskId", taskId)).post("/api/conversations")
                .then().statusCode(201).body("ownerId", is(ownerId.toString())).extract().path("id"));
        as(owner).get("/api/conversations/" + conversationId).then().statusCode(200); // the task's owner reads it
        as(worker).body(Map.of("taskId", taskId)).post("/api/conversations").then().statusCode(200)
                .body("id", is(conversationId.toString())); // one conversation per task

        try (SseFollower workerFollows = SseFollower.follow(base + "api/conversations/" + conversationId + "/stream",
                worker, null)) {
            String questionId = ChatApi.post(worker, conversationId, Map.of("content", "Which Java version?",
                            "messageType", "question")).statusCode(201)
                    .body("senderType", is("worker")).body("senderId", is(workerId.toString()))
                    .extract().path("id");
            Eventually.await(Duration.ofSeconds(15), "the task blocked on the question",
                    () -> "blocked".equals(taskStatus(taskId)));
            taskService(owner).get("/api/tasks/" + taskId).then().body("blockedReason", is("question"));

            // longer than a lease: the reaper leaves an order whose task waits for a person
            Thread.sleep(ServicesWorld.LEASE.plusSeconds(2).toMillis());
            assertEquals("blocked", taskStatus(taskId));
            taskService(owner).get("/api/work-orders/" + orderId).then().statusCode(200).body("status", is("claimed"));

            ChatApi.post(owner, conversationId, Map.of("content", "Java 17", "messageType", "response",
                    "parentMessageId", questionId)).statusCode(201).body("messageType", is("response"));
            ChatApi.post(TestTokens.admin(), conversationId, Map.of("content", "Java 21", "messageType", "response",
                    "parentMessageId", questionId)).statusCode(409).contentType(PROBLEM);
            as(owner).get("/api/conversations/" + conversationId + "/messages/" + questionId).then()
                    .body("answerId", org.hamcrest.Matchers.notNullValue());

            Eventually.await(Duration.ofSeconds(15), "the task back in progress",
                    () -> "in_progress".equals(taskStatus(taskId)));
            taskService(worker).body(Map.of("attempt", 1)).post("/api/work-orders/" + orderId + "/heartbeat").then().statusCode(200)
                    .body("answers.answer", hasItem("Java 17"))
                    .body("answers.questionId", hasItem(questionId));
            List<SseFollower.Event> seen = workerFollows.await(2);
            assertEquals(List.of("message", "message"), seen.stream().map(SseFollower.Event::name).toList());
            assertTrue(seen.get(1).data().contains("Java 17"), seen.get(1).data());

            // the run ends: the worker no longer holds the task, and its stream ends
            taskService(worker).body(Map.of("attempt", 1, "exitCode", 0, "result", Map.of("summary", "done")))
                    .post("/api/work-orders/" + orderId + "/complete").then().statusCode(200);
            Eventually.await(Duration.ofSeconds(10), "the former holder's stream ended", workerFollows::ended);
            as(worker).get("/api/conversations/" + conversationId).then().statusCode(404);
        }
    }

    @Test
    void aWorkerWritesOnlyInTheConversationOfATaskItHolds() throws Exception {
        UUID holderId = UUID.randomUUID();
        String taskId = (String) claimed(holderId, "test").get("taskId");
        UUID conversationId = UUID.fromString(as(TestTokens.worker(holderId)).body(Map.of("taskId", taskId))
                .post("/api/conversations").then().statusCode(201).extract().path("id"));
        String other = TestTokens.worker(UUID.randomUUID());
        as(other).body(Map.of("taskId", taskId)).post("/api/conversations").then().statusCode(403).contentType(PROBLEM);
        ChatApi.post(other, conversationId, Map.of("content", "Me?", "messageType", "question")).statusCode(404);
        as(other).get("/api/conversations/" + conversationId).then().statusCode(404);
        as(other).get("/api/conversations?taskId=" + taskId).then().statusCode(200).body("items.size()", is(0));
        ChatApi.post(TestTokens.worker(holderId), conversationId, Map.of("content", "yes", "messageType", "response",
                "parentMessageId", UUID.randomUUID().toString())).statusCode(403);
        as(owner).get("/api/conversations/" + conversationId + "/messages").then().body("items.size()", is(0));

        // an open question is answered, not deleted: its task waits for it
        String questionId = ChatApi.post(TestTokens.worker(holderId), conversationId, Map.of("content", "Which branch?",
                "messageType", "question")).statusCode(201).extract().path("id");
        as(owner).delete("/api/conversations/" + conversationId + "/messages/" + questionId).then().statusCode(409)
                .contentType(PROBLEM);
    }

    @Test
    void aPersonOpensATaskConversationOnlyForATaskTheyMaySee() throws Exception {
        String taskId = (String) claimed(UUID.randomUUID(), "refactor").get("taskId");
        as(TestTokens.developer(UUID.randomUUID())).body(Map.of("taskId", taskId)).post("/api/conversations").then()
                .statusCode(422).contentType(PROBLEM);
        as(owner).body(Map.of("taskId", taskId, "title", "About the refactor")).post("/api/conversations").then()
                .statusCode(201).body("taskId", is(taskId)).body("ownerId", is(ownerId.toString()));
    }
}
