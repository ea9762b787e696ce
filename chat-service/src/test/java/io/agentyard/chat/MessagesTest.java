package io.agentyard.chat;

import static io.agentyard.chat.ChatApi.PROBLEM;
import static io.agentyard.chat.ChatApi.as;
import static io.agentyard.chat.ChatApi.chunk;
import static io.agentyard.chat.ChatApi.conversation;
import static io.agentyard.chat.ChatApi.message;
import static io.agentyard.chat.ChatApi.streaming;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Messages: posted, streamed in ordered chunks, finished or stopped, edited with history, threaded, deleted. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class MessagesTest {

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    @Test
    void aPersonsMessageCarriesItsSenderRoleAndPosition() {
        UUID id = conversation(owner);
        ChatApi.post(owner, id, Map.of("content", "hello", "metadata", Map.of("client", "cli"))).statusCode(201)
                .body("senderType", is("user")).body("senderId", is(ownerId.toString())).body("role", is("user"))
                .body("messageType", is("text")).body("state", is("complete")).body("sequence", is(1))
                .body("metadata.client", is("cli")).body("finishedAt", notNullValue());
    }

    @Test
    void chunksApplyInOrderOnceAndOutOfOrderOnesAreRefused() {
        UUID id = conversation(owner);
        UUID streamingId = streaming(owner, id);
        chunk(owner, id, streamingId, 1, "Hel").statusCode(200).body("content", is("Hel")).body("chunkSequence", is(1));
        chunk(owner, id, streamingId, 2, "lo").statusCode(200).body("content", is("Hello"));
        chunk(owner, id, streamingId, 2, "lo").statusCode(200).body("content", is("Hello")); // a retry
        chunk(owner, id, streamingId, 4, "!").statusCode(409).contentType(PROBLEM);
        chunk(owner, id, streamingId, 0, "?").statusCode(400);
        chunk(TestTokens.admin(), id, streamingId, 3, "x").statusCode(403);
        as(owner).body(Map.of("metadata", Map.of("responseTime", 12))).post("/api/conversations/" + id + "/messages/"
                + streamingId + "/finish").then().statusCode(200).body("state", is("complete"))
                .body("metadata.responseTime", is(12)).body("content", is("Hello"));
        chunk(owner, id, streamingId, 3, "late").statusCode(409);
    }

    @Test
    void stopEndsAStreamingMessageWhereItIsAndIsIdempotent() {
        UUID id = conversation(owner);
        UUID streamingId = streaming(owner, id);
        chunk(owner, id, streamingId, 1, "partial").statusCode(200);
        as(TestTokens.developer(UUID.randomUUID())).post("/api/conversations/" + id + "/messages/" + streamingId
                + "/stop").then().statusCode(404);
        as(owner).post("/api/conversations/" + id + "/messages/" + streamingId + "/stop").then().statusCode(200)
                .body("state", is("stopped")).body("content", is("partial"));
        as(owner).post("/api/conversations/" + id + "/messages/" + streamingId + "/stop").then().statusCode(200)
                .body("state", is("stopped"));
        as(owner).post("/api/conversations/" + id + "/messages/" + streamingId + "/finish").then().statusCode(409);
    }

    @Test
    void anEditKeepsThePreviousTextAndOnlyTheSenderEdits() {
        UUID id = conversation(owner);
        UUID messageId = message(owner, id, "teh plan");
        as(TestTokens.admin()).body(Map.of("content", "x")).patch("/api/conversations/" + id + "/messages/" + messageId)
                .then().statusCode(403);
        as(owner).body(Map.of("content", "the plan")).patch("/api/conversations/" + id + "/messages/" + messageId)
                .then().statusCode(200).body("content", is("the plan")).body("previousContent", is("teh plan"))
                .body("editedAt", notNullValue());
        as(owner).body(Map.of("content", " ")).patch("/api/conversations/" + id + "/messages/" + messageId)
                .then().statusCode(400);
    }

    @Test
    void threadsListRepliesByParentAndAParentMustBeInTheConversation() {
        UUID id = conversation(owner);
        UUID root = message(owner, id, "root");
        message(owner, id, "unrelated");
        ChatApi.post(owner, id, Map.of("content", "reply 1", "parentMessageId", root.toString())).statusCode(201);
        ChatApi.post(owner, id, Map.of("content", "reply 2", "parentMessageId", root.toString())).statusCode(201);
        as(owner).get("/api/conversations/" + id + "/messages/" + root + "/thread").then().statusCode(200)
                .body("message.content", is("root")).body("replies.content", contains("reply 1", "reply 2"));
        as(owner).get("/api/conversations/" + id + "/messages?parentId=" + root).then().statusCode(200)
                .body("items.content", contains("reply 1", "reply 2"));
        UUID elsewhere = message(owner, conversation(owner), "elsewhere");
        ChatApi.post(owner, id, Map.of("content", "x", "parentMessageId", elsewhere.toString())).statusCode(422)
                .contentType(PROBLEM);
    }

    @Test
    void peopleDoNotAskQuestionsNorAnswerWhatIsNotAQuestion() {
        UUID id = conversation(owner);
        UUID text = message(owner, id, "a statement");
        ChatApi.post(owner, id, Map.of("content", "?", "messageType", "question")).statusCode(403);
        ChatApi.post(owner, id, Map.of("content", "yes", "messageType", "response")).statusCode(400);
        ChatApi.post(owner, id, Map.of("content", "yes", "messageType", "response", "parentMessageId",
                text.toString())).statusCode(422);
        ChatApi.post(owner, id, Map.of("content", "x", "messageType", "shout")).statusCode(400);
        ChatApi.post(owner, id, Map.of("content", "  ")).statusCode(400);
        ChatApi.post(owner, id, Map.of("content", "x".repeat(200_001))).statusCode(413).contentType(PROBLEM);
        as(owner).get("/api/conversations/" + id + "/messages").then().body("items.content", contains("a statement"));
    }

    @Test
    void messagesPageOldestFirstAndDeletingRemovesOne() {
        UUID id = conversation(owner);
        for (int i = 1; i <= 5; i++) {
            message(owner, id, "m" + i);
        }
        String cursor = as(owner).get("/api/conversations/" + id + "/messages?limit=3").then().statusCode(200)
                .body("items.content", contains("m1", "m2", "m3")).extract().path("nextCursor");
        as(owner).get("/api/conversations/" + id + "/messages?limit=3&cursor=" + cursor).then().statusCode(200)
                .body("items.content", contains("m4", "m5"));
        UUID third = UUID.fromString(as(owner).get("/api/conversations/" + id + "/messages").then()
                .extract().path("items[2].id"));
        as(owner).delete("/api/conversations/" + id + "/messages/" + third).then().statusCode(204);
        as(owner).get("/api/conversations/" + id + "/messages/" + third).then().statusCode(404);
        as(owner).get("/api/conversations/" + id + "/messages").then().body("items.content",
                contains("m1", "m2", "m4", "m5"));
    }
}
