package io.agentyard.shared.events;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Readiness: every stream consumer of this service moves on, a read or its handling having started
 * or ended within {@code agentyard.events.consumer.stall}. A consumer wedged in a handler (or whose
 * loop died) is stuck, and a replica that cannot apply the events it is sent is not ready.
 * <p>
 * Redis itself is deliberately not a readiness check: it only wakes claimers and carries events,
 * while PostgreSQL holds the truth (the outbox keeps events until Redis is back). Every replica
 * shares one Redis, so failing readiness on it would take all of them out of service at once and
 * turn a degraded event flow into a whole API outage. While Redis is unreachable the consumers'
 * reads fail within the Redis timeout and are retried every second, so they keep moving on and stay
 * ready however long the outage lasts; the outage shows in the logs and in the outbox backlog
 * metric ({@code agentyard.outbox.backlog}, {@code agentyard.outbox.lag.seconds}), which alert.
 */
@Readiness
@ApplicationScoped
public class ConsumersReadiness implements AsyncHealthCheck {

    static final String NAME = "Event consumers making progress";

    private final EventConsumers consumers;
    private final Duration stall;

    ConsumersReadiness(EventConsumers consumers, EventsConfig config) {
        this.consumers = consumers;
        this.stall = config.consumer().stall();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("stall", stall.toString());
        boolean up = true;
        for (Map.Entry<String, Duration> consumer : consumers.sinceLastTurn().entrySet()) {
            boolean moving = consumer.getValue().compareTo(stall) <= 0;
            up &= moving;
            response.withData(consumer.getKey(), moving ? "moving" : "stuck for " + consumer.getValue().toSeconds() + " s");
        }
        return Uni.createFrom().item(response.status(up).build());
    }
}
