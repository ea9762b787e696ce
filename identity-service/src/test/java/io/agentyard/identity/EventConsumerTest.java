package io.agentyard.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventJson;
import io.agentyard.shared.events.Uuids;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Consumers of a stream (here identity-service consuming its own, through {@link RecordingHandler}):
 * once-only application, reclaiming from dead consumers, dead-lettering poison. The test profile
 * reclaims after 0.5 s idle and dead-letters after 3 deliveries.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class EventConsumerTest {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String GROUP = "identity-service";

    @Inject
    EventStreams streams;

    @Inject
    RecordingHandler handler;

    @Inject
    RedisDataSource redis;

    @Inject
    AgroalDataSource database;

    @ConfigProperty(name = "quarkus.redis.hosts")
    java.net.URI redisUrl;

    @Test
    void anEventDeliveredTwiceIsAppliedOnce() {
        EventEnvelope event = event(RecordingHandler.PING);
        streams.add(streams.identityStream(), event);
        streams.add(streams.identityStream(), event);
        Eventually.await(WAIT, "both copies acknowledged", () -> pendingIds().isEmpty() && handler.appliedCount(event.id()) == 1
                && processedRows(event.id()) == 1);
        sleepQuietly(500);
        assertEquals(1, handler.appliedCount(event.id()));
        assertEquals(1, processedRows(event.id()));
    }

    @Test
    void aMessageLeftPendingByADeadConsumerIsReclaimedAndAppliedOnce() throws Exception {
        EventEnvelope event = event(RecordingHandler.PING);
        // Add the message and hand it to a consumer that then dies without XACK, atomically, so the
        // live consumer cannot read it first.
        String reply = redisCli("MULTI\n"
                + "XADD " + streams.identityStream() + " * type " + event.type() + " envelope "
                + quoted(EventJson.write(event)) + "\n"
                + "XREADGROUP GROUP " + GROUP + " dead-consumer COUNT 1 STREAMS " + streams.identityStream() + " >\n"
                + "EXEC\n");
        assertTrue(reply.contains("dead-consumer") || reply.contains(event.id().toString()), reply);
        String messageId = streamIdOf(event.id());
        assertEquals("dead-consumer", pendingConsumerOf(messageId), "the dead consumer holds the message");
        assertEquals(0, handler.appliedCount(event.id()));

        Eventually.await(WAIT, "the message reclaimed, applied and acknowledged",
                () -> handler.appliedCount(event.id()) == 1 && !pendingIds().contains(messageId));
        assertEquals(1, handler.appliedCount(event.id()));
    }

    @Test
    void aPoisonedMessageGoesToTheDeadLetterStreamAndTheNextIsProcessed() {
        EventEnvelope poison = event(RecordingHandler.POISON);
        EventEnvelope next = event(RecordingHandler.PING);
        String poisonId = streams.add(streams.identityStream(), poison);
        streams.add(streams.identityStream(), next);

        Eventually.await(Duration.ofSeconds(5), "the message after the poison applied",
                () -> handler.appliedCount(next.id()) == 1);
        Eventually.await(WAIT, "the poison dead-lettered", () -> deadLettered(poisonId) != null);
        Map<String, String> entry = deadLettered(poisonId);
        assertEquals(EventJson.write(poison), entry.get("envelope"));
        assertEquals(GROUP, entry.get("group"));
        assertEquals(streams.identityStream(), entry.get("stream"));
        assertTrue(entry.get("error").contains("poisoned payload"), entry.get("error"));
        assertTrue(Integer.parseInt(entry.get("deliveries")) >= 3, entry.get("deliveries"));
        assertEquals(3, handler.attemptCount(poison.id()), "tried exactly max-deliveries times");
        Eventually.await(WAIT, "the poison acknowledged", () -> !pendingIds().contains(poisonId));
        assertEquals(0, processedRows(poison.id()), "a failed handling leaves no processed record");
    }

    @Test
    void eventsOfOtherTypesAreAcknowledgedAndIgnored() {
        EventEnvelope other = event("test.unrelated");
        String id = streams.add(streams.identityStream(), other);
        sleepQuietly(300);
        Eventually.await(WAIT, "acknowledged", () -> !pendingIds().contains(id));
        assertEquals(0, handler.attemptCount(other.id()));
    }

    private EventEnvelope event(String type) {
        return new EventEnvelope(Uuids.timeOrdered(), type, "identity", UUID.randomUUID().toString(), Instant.now(),
                1, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                JsonNodeFactory.instance.objectNode().put("n", 1));
    }

    private List<String> pendingIds() {
        return redis.stream(String.class).xpending(streams.identityStream(), GROUP, StreamRange.of("-", "+"), 1000)
                .stream().map(p -> p.getMessageId()).toList();
    }

    private String pendingConsumerOf(String messageId) {
        return redis.stream(String.class).xpending(streams.identityStream(), GROUP, StreamRange.of(messageId, messageId), 1)
                .stream().map(p -> p.getConsumer()).findFirst().orElse(null);
    }

    private String streamIdOf(UUID eventId) {
        return streams.messages(streams.identityStream()).stream()
                .filter(m -> m.payload().get("envelope").contains(eventId.toString()))
                .map(StreamMessage::id).findFirst().orElseThrow();
    }

    private Map<String, String> deadLettered(String messageId) {
        return streams.messages(streams.deadLetterStream()).stream()
                .filter(m -> messageId.equals(m.payload().get("messageId")))
                .map(StreamMessage::payload).findFirst().orElse(null);
    }

    private int processedRows(UUID eventId) {
        try (var connection = database.getConnection();
             var statement = connection.prepareStatement("select count(*) from identity.processed_events where event_id = ?")) {
            statement.setObject(1, eventId);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** redis-cli on one connection, so MULTI/EXEC apply. */
    private String redisCli(String commands) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("redis-cli", "-h", redisUrl.getHost(), "-p", String.valueOf(redisUrl.getPort()))
                .redirectErrorStream(true).start();
        process.getOutputStream().write(commands.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        return output;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
