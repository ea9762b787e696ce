package io.agentyard.shared.events;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Records events in the service's {@code outbox} table, in the caller's reactive transaction: the
 * event exists exactly when the state change it describes was committed. {@link OutboxRelay}
 * publishes it afterwards.
 */
@ApplicationScoped
public class Outbox {

    private final String source;
    private final String insert;
    private final EventTracing tracing;

    Outbox(EventsConfig config, EventTracing tracing) {
        this.source = config.source();
        this.tracing = tracing;
        // Bound as text then cast: a parameter typed jsonb would be stored as one JSON string.
        this.insert = "insert into " + config.source() + ".outbox (id, event_type, subject_id, envelope, created_at)"
                + " values (?1, ?2, ?3, cast(cast(?4 as text) as jsonb), ?5)";
    }

    /** Records one event; must run inside {@code @WithTransaction} / {@code Panache.withTransaction}. */
    public Uni<EventEnvelope> record(String type, Object subjectId, Object payload) {
        return record(type, subjectId, 1, payload);
    }

    public Uni<EventEnvelope> record(String type, Object subjectId, int schemaVersion, Object payload) {
        EventEnvelope envelope = new EventEnvelope(Uuids.timeOrdered(), type, source,
                subjectId == null ? null : subjectId.toString(), Instant.now(), schemaVersion, tracing.traceparent(),
                EventJson.tree(payload));
        return Panache.currentTransaction().chain(transaction -> {
            if (transaction == null) {
                return Uni.createFrom().failure(new IllegalStateException(
                        "Outbox.record(" + type + ") must run inside a transaction"));
            }
            return Panache.getSession().chain(session -> session.createNativeQuery(insert)
                    .setParameter(1, envelope.id())
                    .setParameter(2, type)
                    .setParameter(3, envelope.subjectId())
                    .setParameter(4, EventJson.write(envelope))
                    .setParameter(5, envelope.occurredAt())
                    .executeUpdate());
        }).replaceWith(envelope);
    }
}
