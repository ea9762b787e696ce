package io.agentyard.identity;

import static io.agentyard.identity.IdentityApi.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;


import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.Wakeups;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.PrivateRedisResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * identity-service on a Redis of its own that the test stops and restarts: requests that only need
 * PostgreSQL keep working, and every event recorded meanwhile arrives exactly once afterwards.
 */
@QuarkusTest
@TestProfile(RedisOutageTest.PrivateRedis.class)
class RedisOutageTest {

    /** A Redis of its own; consumers count as stuck after 3 s (HealthChecksTest shares this profile). */
    public static class PrivateRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PrivateRedisResource.class));
        }

        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("agentyard.events.consumer.stall", "PT3S");
        }
    }

    static final Duration WAIT = Duration.ofSeconds(20);

    final IdentityApi api = new IdentityApi();

    @Inject
    EventStreams streams;

    @Inject
    Wakeups wakeups;

    @ConfigProperty(name = "quarkus.redis.hosts")
    URI redisUrl;

    @Test
    void eventsRecordedWhileRedisIsDownArriveOnceItIsBack() {
        int port = redisUrl.getPort();
        String before = api.register(uniqueName("before"));
        Eventually.await(WAIT, "the relay works before the outage", () -> eventsAbout(before) == 1);

        PrivateRedisResource.stop(port);
        List<String> during = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            during.add(api.register(uniqueName("during")));   // 201: PostgreSQL is all it needs
        }
        api.login("admin", IdentityApi.ADMIN_PASSWORD);
        sleep(500); // relay rounds fail meanwhile; the rows wait

        PrivateRedisResource.start(port);
        Eventually.await(WAIT, "every event of the outage published", () -> during.stream()
                .allMatch(id -> eventsAbout(id) == 1));
        sleep(500);
        for (String id : during) {
            assertEquals(1, eventsAbout(id), "exactly once: " + id);
        }
    }

    @Test
    void wakeupsReachListenersAndSurviveAnOutage() {
        List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Wakeups.Subscription subscription = wakeups.listen("test-queue", received::add)) {
            Eventually.await(WAIT, "subscribed", subscription::active);
            wakeups.send("test-queue", "work-1").await().atMost(Duration.ofSeconds(5));
            Eventually.await(WAIT, "the first wake-up received", () -> received.contains("work-1"));

            PrivateRedisResource.stop(redisUrl.getPort());
            wakeups.send("test-queue", "lost").await().atMost(Duration.ofSeconds(10)); // never fails the sender
            PrivateRedisResource.start(redisUrl.getPort());
            Eventually.await(WAIT, "a wake-up after the outage received", () -> {
                wakeups.send("test-queue", "work-2").await().atMost(Duration.ofSeconds(5));
                return received.contains("work-2");
            });
        }
    }

    private long eventsAbout(String subject) {
        try {
            return streams.identityEvents().stream().map(EventEnvelope::subjectId).filter(subject::equals).count();
        } catch (RuntimeException redisDown) {
            return -1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
