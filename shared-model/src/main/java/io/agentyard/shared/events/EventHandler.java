package io.agentyard.shared.events;

import java.util.Set;

import io.smallrye.mutiny.Uni;

/**
 * Handles events of another service. Implement it as an {@code @ApplicationScoped} bean and
 * {@link EventConsumers} subscribes it to {@code agentyard.<source()>.events} with a consumer group
 * named after this service. {@link #handle} runs inside a database transaction that also records
 * the event id, so a redelivered event is skipped; the message is acknowledged after the commit.
 * Work that must see the commit (wake-ups, live notifications) is registered with
 * {@link io.agentyard.shared.reactive.AfterCommit}; it runs once the transaction has committed.
 */
public interface EventHandler {

    /** The producing service's short name, e.g. {@code identity}. */
    String source();

    /** The event types this handler wants; others on the stream are acknowledged and ignored. */
    Set<String> types();

    /** Applies the event; a failure rolls the transaction back and the message is retried later. */
    Uni<Void> handle(EventEnvelope event);
}
