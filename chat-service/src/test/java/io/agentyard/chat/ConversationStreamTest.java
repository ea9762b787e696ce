package io.agentyard.chat;

import static io.agentyard.chat.ChatApi.as;
import static io.agentyard.chat.ChatApi.chunk;
import static io.agentyard.chat.ChatApi.conversation;
import static io.agentyard.chat.ChatApi.message;
import static io.agentyard.chat.ChatApi.streaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.chat.stream.ConversationTails;
import io.agentyard.chat.stream.StreamRetention;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.SseFollower;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The conversation stream (SSE): every follower gets every change once, in order, and resumes with Last-Event-ID. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class ConversationStreamTest {

    @Inject
    ConversationTails tails;

    @Inject
    StreamRetention retention;

    @Inject
    io.agroal.api.AgroalDataSource database;

    @TestHTTPResource("/")
    URL base;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    SseFollower follow(UUID conversationId, String token, String lastEventId) {
        return SseFollower.follow(base + "api/conversations/" + conversationId + "/stream", token, lastEventId);
    }

    static List<String> ids(List<SseFollower.Event> events) {
        return events.stream().map(SseFollower.Event::id).toList();
    }

    static List<String> kinds(List<SseFollower.Event> events) {
        return events.stream().map(SseFollower.Event::name).toList();
    }

    @Test
    void twoFollowersOnTheirOwnConnectionsSeeEveryChangeOnceInOrder() {
        UUID id = conversation(owner);
        message(owner, id, "before anyone followed");
        Eventually.await(Duration.ofSeconds(10), "this replica hears wake-ups", tails::active);
        try (SseFollower first = follow(id, owner, null); SseFollower second = follow(id, TestTokens.viewer(), null)) {
            assertEquals(200, first.status());
            assertEquals(200, second.status());
            UUID streamingId = streaming(owner, id);
            chunk(owner, id, streamingId, 1, "Hel").statusCode(200);
            chunk(owner, id, streamingId, 2, "lo").statusCode(200);
            chunk(owner, id, streamingId, 2, "lo").statusCode(200); // a repeat: no event
            as(owner).post("/api/conversations/" + id + "/messages/" + streamingId + "/finish").then().statusCode(200);
            UUID edited = message(owner, id, "teh end");
            as(owner).body(Map.of("content", "the end")).patch("/api/conversations/" + id + "/messages/" + edited)
                    .then().statusCode(200);
            as(owner).delete("/api/conversations/" + id + "/messages/" + edited).then().statusCode(204);
            as(owner).body(Map.of("title", "done")).patch("/api/conversations/" + id).then().statusCode(200);

            List<String> expectedKinds = List.of("message", "message", "chunk", "chunk", "finished", "message",
                    "edited", "deleted", "conversation");
            List<SseFollower.Event> seenFirst = first.await(9);
            List<SseFollower.Event> seenSecond = second.await(9);
            assertEquals(expectedKinds, kinds(seenFirst));
            assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9"), ids(seenFirst));
            assertEquals(ids(seenFirst), ids(seenSecond), "both followers see the same events in the same order");
            assertTrue(seenFirst.get(2).data().contains("\"content\": \"Hel\""), seenFirst.get(2).data());
            assertTrue(seenFirst.get(4).data().contains("\"content\": \"Hello\""), seenFirst.get(4).data());
        }
    }

    @Test
    void aFollowerResumesAfterTheLastEventItSawAndMissesNothing() {
        UUID id = conversation(owner);
        for (int i = 1; i <= 5; i++) {
            message(owner, id, "m" + i);
        }
        try (SseFollower resumed = follow(id, owner, "3")) {
            List<SseFollower.Event> events = resumed.await(2);
            assertEquals(List.of("4", "5"), ids(events));
            message(owner, id, "m6");
            assertEquals(List.of("4", "5", "6"), ids(resumed.await(3)));
            assertTrue(resumed.events().get(2).data().contains("m6"));
        }
    }

    @Test
    void aFollowerBehindPrunedEventsIsToldToReloadAndContinues() throws Exception {
        UUID id = conversation(owner);
        for (int i = 1; i <= 3; i++) {
            message(owner, id, "m" + i);
        }
        try (var connection = database.getConnection(); var statement = connection.prepareStatement(
                "update chat.conversation_events set created_at = now() - interval '30 days' where conversation_id = ? and seq <= 2")) {
            statement.setObject(1, id);
            assertEquals(2, statement.executeUpdate());
        }
        assertTrue(retention.runOnce().await().indefinitely() >= 2);
        try (SseFollower behind = follow(id, owner, "1")) {
            List<SseFollower.Event> events = behind.await(2);
            assertEquals(List.of("reset", "message"), kinds(events));
            assertEquals(List.of("2", "3"), ids(events));
        }
        as(owner).get("/api/conversations/" + id + "/messages").then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.is(3)); // messages stay
    }

    @Test
    void aStreamEndsWhenItsTokenExpiresAndResumesWithAFreshOne() {
        UUID id = conversation(owner);
        message(owner, id, "m1");
        try (SseFollower shortLived = follow(id, TestTokens.expiringIn(ownerId, "developer", 2), null)) {
            assertEquals(List.of("1"), ids(shortLived.await(1)));
            Eventually.await(Duration.ofSeconds(10), "the stream ended at the token's expiry", shortLived::ended);
        }
        message(owner, id, "m2");
        try (SseFollower renewed = follow(id, owner, "1")) {
            assertEquals(List.of("2"), ids(renewed.await(1)));
        }
    }

    @Test
    void theStreamIsRefusedWithProblemsBeforeItStarts() {
        UUID id = conversation(owner);
        as(TestTokens.developer(UUID.randomUUID())).get("/api/conversations/" + id + "/stream").then().statusCode(404)
                .contentType(ChatApi.PROBLEM);
        io.restassured.RestAssured.given().get("/api/conversations/" + id + "/stream").then().statusCode(401);
        as(owner).header("Last-Event-ID", "yesterday").get("/api/conversations/" + id + "/stream").then()
                .statusCode(400).contentType(ChatApi.PROBLEM);
        as(owner).get("/api/conversations/" + UUID.randomUUID() + "/stream").then().statusCode(404);
    }
}
