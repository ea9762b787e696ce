package io.agentyard.chat;

import static io.agentyard.chat.ChatApi.PROBLEM;
import static io.agentyard.chat.ChatApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentyard.chat.reply.AgentReplies;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.SseFollower;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Agents answer: a person's text to an agent is answered by the model its configuration (in the
 * real agent-service) names, streamed from a stand-in that speaks the OpenAI-compatible protocol
 * to the production client; stop cancels the generation upstream; a provider down is an error
 * message and a problem, never a hung request.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ServicesWorld.class, restrictToAnnotatedClass = true)
class AgentRepliesTest {

    static StandInProvider provider;

    @Inject
    AgentReplies replies;

    @Inject
    io.agroal.api.AgroalDataSource database;

    @TestHTTPResource("/")
    URL base;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    @BeforeAll
    static void startProvider() {
        provider = StandInProvider.start();
    }

    @AfterAll
    static void stopProvider() {
        provider.close();
    }

    @BeforeEach
    void registerProvider() {
        provider.reset();
        provider.register(TestTokens.admin());
    }

    /** An agent of the owner's in agent-service, configured with {@code configuration}. */
    UUID agent(Map<String, Object> configuration) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "Scribe " + UUID.randomUUID(), "category",
                "documentation", "agentType", "assistive", "configuration", configuration));
        return UUID.fromString(given().baseUri(ServicesWorld.agentService.url()).contentType(ContentType.JSON)
                .auth().oauth2(owner).body(body).post("/api/agents").then().statusCode(201).extract().path("id"));
    }

    UUID standInAgent() {
        return agent(Map.of("llmProvider", StandInProvider.NAME, "model", StandInProvider.MODEL, "temperature", 0.2,
                "maxTokens", 256, "systemPrompt", "You are terse."));
    }

    ExtractableResponse<Response> chat(UUID agentId, Map<String, Object> body) {
        return as(owner).body(body).post("/api/agents/" + agentId + "/chat").then().extract();
    }

    @Test
    void theReplyStreamsFromTheModelTheAgentNamesAndEndsComplete() {
        provider.enqueue(StandInProvider.Reply.text("Use", " Java", " 17.").every(Duration.ofMillis(150)).usage(12, 3));
        UUID agentId = standInAgent();
        ExtractableResponse<Response> answer = chat(agentId, Map.of("content", "Which Java?"));
        assertEquals(201, answer.statusCode(), answer.asString());
        String conversationId = answer.path("conversation.id");
        String replyId = answer.path("reply.id");
        assertEquals(agentId.toString(), answer.<String>path("conversation.agentId"));
        assertEquals("agent", answer.<String>path("reply.senderType"));
        assertEquals(answer.<String>path("message.id"), answer.<String>path("reply.parentMessageId"));

        try (SseFollower follower = SseFollower.follow(base + "api/conversations/" + conversationId + "/stream",
                owner, null)) {
            Eventually.await(Duration.ofSeconds(10), "the reply finished", () -> follower.events().stream()
                    .anyMatch(event -> "finished".equals(event.name())));
            StringBuilder streamed = new StringBuilder();
            follower.events().stream().filter(event -> "chunk".equals(event.name())).forEach(event -> streamed.append(
                    io.restassured.path.json.JsonPath.from(event.data()).getString("content")));
            assertEquals("Use Java 17.", streamed.toString());
        }
        as(owner).get("/api/conversations/" + conversationId + "/messages/" + replyId).then().statusCode(200)
                .body("content", is("Use Java 17.")).body("state", is("complete"))
                .body("metadata.model", is(StandInProvider.MODEL)).body("metadata.provider", is(StandInProvider.NAME))
                .body("metadata.usage.completionTokens", is(3)).body("metadata.streaming", is(false));

        StandInProvider.Recorded sent = provider.lastRequest();
        assertEquals(StandInProvider.MODEL, sent.model());
        assertEquals(0.2, sent.temperature());
        assertEquals(256, sent.maxTokens());
        assertEquals("You are terse.", sent.systemPrompt());
        assertEquals("Which Java?", sent.lastUserMessage());
        assertTrue(sent.stream());

        // the conversation goes on with what was said before
        provider.enqueue(StandInProvider.Reply.text("Yes."));
        assertEquals(201, chat(agentId, Map.of("content", "Sure?", "conversationId", conversationId)).statusCode());
        List<Map<String, Object>> history = provider.lastRequest().messages();
        assertEquals(List.of("system", "user", "assistant", "user"), history.stream().map(turn -> turn.get("role")).toList());
    }

    @Test
    void stopEndsTheReplyWhereItIsAndCancelsTheGenerationUpstream() {
        provider.enqueue(StandInProvider.Reply.text("one ", "two ", "three ", "four ", "five ", "six ", "seven ")
                .every(Duration.ofMillis(300)));
        UUID agentId = standInAgent();
        ExtractableResponse<Response> answer = chat(agentId, Map.of("content", "Count slowly"));
        assertEquals(201, answer.statusCode(), answer.asString());
        String conversationId = answer.path("conversation.id");
        String replyId = answer.path("reply.id");
        as(owner).post("/api/conversations/" + conversationId + "/messages/" + replyId + "/stop").then()
                .statusCode(200).body("state", is("stopped"));
        provider.awaitDisconnect(Duration.ofSeconds(5));
        Eventually.await(Duration.ofSeconds(5), "the generation forgotten", () -> replies.generating() == 0);
        String stoppedAt = as(owner).get("/api/conversations/" + conversationId + "/messages/" + replyId).then()
                .body("state", is("stopped")).extract().path("content");
        assertTrue(!stoppedAt.contains("seven"), stoppedAt);
        sleep(Duration.ofMillis(700));
        as(owner).get("/api/conversations/" + conversationId + "/messages/" + replyId).then()
                .body("content", is(stoppedAt)); // nothing more arrives
    }

    @Test
    void aReplyEndedElsewhereOrDeletedStopsItsGenerationAtTheNextChunk() throws Exception {
        provider.enqueue(StandInProvider.Reply.text("a ", "b ", "c ", "d ", "e ", "f ").every(Duration.ofMillis(250)),
                StandInProvider.Reply.text("a ", "b ", "c ", "d ", "e ", "f ").every(Duration.ofMillis(250)));
        UUID agentId = standInAgent();
        // stopped by another replica whose wake-up never came: the stop is found where it is stored
        ExtractableResponse<Response> first = chat(agentId, Map.of("content", "Go"));
        assertEquals(201, first.statusCode(), first.asString());
        try (var connection = database.getConnection(); var statement = connection.prepareStatement(
                "update chat.chat_messages set state = 'stopped' where id = ?")) {
            statement.setObject(1, UUID.fromString(first.path("reply.id")));
            assertEquals(1, statement.executeUpdate());
        }
        provider.awaitDisconnect(Duration.ofSeconds(5));
        // deleted while it is generated
        ExtractableResponse<Response> second = chat(agentId, Map.of("content", "Again",
                "conversationId", first.path("conversation.id")));
        assertEquals(201, second.statusCode(), second.asString());
        as(owner).delete("/api/conversations/" + second.path("conversation.id") + "/messages/"
                + second.path("reply.id")).then().statusCode(204);
        Eventually.await(Duration.ofSeconds(5), "both generations cancelled upstream",
                () -> provider.disconnects().size() == 2);
        Eventually.await(Duration.ofSeconds(5), "both generations forgotten", () -> replies.generating() == 0);
        as(owner).get("/api/conversations/" + first.path("conversation.id") + "/messages?messageType=error").then()
                .body("items.size()", is(0));
    }

    @Test
    void aReplyLeftStreamingByAStoppedReplicaIsEndedFailedByTheSweep() throws Exception {
        UUID conversationId = ChatApi.conversation(owner);
        UUID orphan = UUID.randomUUID();
        try (var connection = database.getConnection(); var statement = connection.prepareStatement("""
                insert into chat.chat_messages (id, conversation_id, seq, sender_type, role, content, state, created_at)
                values (?, ?, 99, 'agent', 'agent', 'half a', 'streaming', now() - interval '2 hours')""")) {
            statement.setObject(1, orphan);
            statement.setObject(2, conversationId);
            statement.executeUpdate();
        }
        assertTrue(replies.sweepOnce().await().indefinitely() >= 1);
        as(owner).get("/api/conversations/" + conversationId + "/messages/" + orphan).then()
                .body("state", is("failed")).body("content", is("half a"))
                .body("metadata.error", containsString("abandoned"));
    }

    @Test
    void aProviderThatIsDownGivesAnErrorMessageAndAProblemNotAHungRequest() {
        UUID agentId = agent(Map.of("llmProvider", "gone", "model", "m"));
        Map<String, Object> gone = new HashMap<>(Map.of("baseUrl", "http://127.0.0.1:9/v1", "enabled", true,
                "models", List.of(Map.of("name", "m"))));
        as(TestTokens.admin()).body(gone).post("/api/providers/gone").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        long started = System.nanoTime();
        ExtractableResponse<Response> answer = chat(agentId, Map.of("content", "Anyone there?"));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, answer.statusCode(), answer.asString());
        assertEquals(PROBLEM, answer.contentType());
        assertTrue(millis < 5000, "answered in " + millis + " ms");

        String conversationId = as(owner).get("/api/conversations/agent/" + agentId).then().statusCode(200)
                .extract().path("items[0].id");
        assertEquals("/api/conversations/" + conversationId, answer.header("Location"));
        as(owner).get("/api/conversations/" + conversationId + "/messages").then().statusCode(200)
                .body("items.messageType", is(List.of("text", "text", "error")))
                .body("items.state", is(List.of("complete", "failed", "complete")))
                .body("items[2].content", containsString("gone"));
    }

    @Test
    void aSlowProviderIsCutOffAtTheFirstTokenDeadline() {
        provider.enqueue(StandInProvider.Reply.hang());
        ExtractableResponse<Response> answer = chat(standInAgent(), Map.of("content", "Think hard"));
        assertEquals(504, answer.statusCode(), answer.asString());
        provider.awaitDisconnect(Duration.ofSeconds(5));
    }

    @Test
    void anAgentThatCannotAnswerStoresNothing() {
        UUID noModel = agent(Map.of("temperature", 0.5));
        assertEquals(422, chat(noModel, Map.of("content", "hello")).statusCode());
        as(owner).get("/api/conversations/agent/" + noModel).then().body("items.size()", is(0));
        assertEquals(404, chat(UUID.randomUUID(), Map.of("content", "hello")).statusCode());
        UUID other = agent(Map.of("llmProvider", StandInProvider.NAME, "model", StandInProvider.MODEL));
        as(TestTokens.developer(UUID.randomUUID())).body(Map.of("content", "hi")).post("/api/agents/" + other + "/chat")
                .then().statusCode(404).contentType(PROBLEM);
        as(owner).body(Map.of("content", " ")).post("/api/agents/" + other + "/chat").then().statusCode(400);
        assertEquals(0, provider.requests().size());
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
