package io.agentyard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.Metrics;
import io.agentyard.shared.testing.SseFollower;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code agentyard_stream_followers} counts a conversation's follower while it follows, and not after it leaves. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class StreamFollowersMetricTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Map<String, String> CONVERSATION_FOLLOWERS = Map.of("protocol", "sse",
            "route", "/api/conversations/:conversationId/stream");

    @TestHTTPResource("/")
    URL base;

    final String owner = TestTokens.developer(UUID.randomUUID());

    @Test
    void aConversationFollowerIsCountedWhileItFollows() {
        UUID conversationId = ChatApi.conversation(owner);
        double before = Metrics.now("agentyard_stream_followers", CONVERSATION_FOLLOWERS);
        try (SseFollower first = SseFollower.follow(base + "api/conversations/" + conversationId + "/stream", owner,
                null); SseFollower second = SseFollower.follow(base + "api/conversations/" + conversationId
                        + "/stream", owner, null)) {
            assertEquals(200, first.status());
            assertEquals(200, second.status());
            Eventually.await(WAIT, "both followers counted",
                    () -> Metrics.now("agentyard_stream_followers", CONVERSATION_FOLLOWERS) == before + 2);
            first.close();
            Eventually.await(WAIT, "the one that left no longer counted",
                    () -> Metrics.now("agentyard_stream_followers", CONVERSATION_FOLLOWERS) == before + 1);
        }
        Eventually.await(WAIT, "neither counted once both left",
                () -> Metrics.now("agentyard_stream_followers", CONVERSATION_FOLLOWERS) == before);
    }
}
