package io.agentyard.task;

import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.agentyard.shared.events.AgentEvents;
import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventJson;
import io.agentyard.shared.events.EventMetrics;
import io.agentyard.shared.events.EventsConfig;
import io.agentyard.shared.events.Uuids;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.Metrics;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The event pipeline's lag, as {@code /q/metrics} shows it: the outbox relay's backlog and lag
 * while it cannot publish, and the consumer group's lag while its consumer is stuck. task-service
 * stands for every service here (the code is shared-model's). The relay is held back by its own
 * advisory lock, taken here; the consumer by a lock on the table every handler writes first.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class EventMetricsTest {

    @Inject
    TaskApi api;

    @Inject
    EventMetrics eventMetrics;

    @Inject
    RedisDataSource redis;

    @Inject
    EventsConfig events;

    final String owner = TestTokens.developer(UUID.randomUUID());

    @Test
    void relayLagAndBacklogShowWhileTheRelayCannotPublish() throws Exception {
        long relayLock = ("agentyard.outbox." + events.source()).hashCode();
        try (Connection holder = api.connection(); var statement = holder.createStatement()) {
            statement.execute("select pg_advisory_lock(" + relayLock + ")");
            create(owner, task("docs", "autonomous"));
            Eventually.await(Duration.ofSeconds(20), "the backlog and its age measured",
                    () -> Metrics.now("agentyard_outbox_backlog", Map.of()) >= 1
                            && Metrics.now("agentyard_outbox_lag_seconds", Map.of()) >= 1);
            statement.execute("select pg_advisory_unlock(" + relayLock + ")");
        }
        Eventually.await(Duration.ofSeconds(20), "the backlog published and measured again",
                () -> Metrics.now("agentyard_outbox_backlog", Map.of()) == 0
                        && Metrics.now("agentyard_outbox_lag_seconds", Map.of()) == 0);
    }

    @Test
    void consumerLagShowsEntriesNotYetDeliveredToTheGroup() throws Exception {
        String stream = events.streamOf(AgentEvents.SOURCE);
        Map<String, String> ofGroup = Map.of("stream", stream, "group", "task-service");
        refresh();
        assertEquals(0, Metrics.now("agentyard_events_consumer_lag", ofGroup));
        try (Connection holder = api.connection(); var statement = holder.createStatement()) {
            holder.setAutoCommit(false);
            // every handler first records the event id: the consumer stops at its first message
            statement.execute("lock table task.processed_events in access exclusive mode");
            publishWorkerDeleted(stream);
            Eventually.await(Duration.ofSeconds(10), "the first message delivered", () ->
                    redis.stream(String.class).xpending(stream, "task-service").getPendingCount() >= 1);
            for (int i = 0; i < 3; i++) {
                publishWorkerDeleted(stream);
            }
            refresh();
            assertEquals(3, Metrics.now("agentyard_events_consumer_lag", ofGroup), "three not yet delivered");
            holder.rollback();
        }
        Eventually.await(Duration.ofSeconds(15), "the consumer caught up", () -> {
            refresh();
            return Metrics.now("agentyard_events_consumer_lag", ofGroup) == 0;
        });
        Metrics caughtUp = Metrics.scrape();
        assertTrue(caughtUp.value("agentyard_events_consumed_total", Map.of("stream", stream,
                "type", AgentEvents.WORKER_DELETED)) >= 4, "the four consumed");
        assertTrue(caughtUp.families().get("agentyard_events_consumer_lag").help().contains("not yet delivered"));
    }

    private void publishWorkerDeleted(String stream) {
        UUID workerId = UUID.randomUUID();
        EventEnvelope deleted = new EventEnvelope(Uuids.timeOrdered(), AgentEvents.WORKER_DELETED, AgentEvents.SOURCE,
                workerId.toString(), Instant.now(), 1, null,
                JsonNodeFactory.instance.objectNode().put("workerId", workerId.toString()));
        redis.stream(String.class).xadd(stream, Map.of("type", deleted.type(), "envelope", EventJson.write(deleted)));
    }

    private void refresh() {
        eventMetrics.refresh().await().atMost(Duration.ofSeconds(10));
    }
}
