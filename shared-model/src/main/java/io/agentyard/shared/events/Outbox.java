package io.agentyard.shared.events;

import java.time.Instant;
import java.util.List;

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

    /** An event to record: its type, what it is about, and its payload (schema version 1). */
    public record Event(String type, Object subjectId, Object payload) {
    }

    /** Records one event; must run inside {@code @WithTransaction} / {@code Panache.withTransaction}. */
    public Uni<EventEnvelope> record(String type, Object subjectId, Object payload) {
        return record(type, subjectId, 1, payload);
    }

    /** Records {@code event}; as {@link #record(String, Object, Object)}. */
    public Uni<EventEnvelope> record(Event event) {
        return record(event.type(), event.subjectId(), 1, event.payload());
    }

    public Uni<EventEnvelope> record(String type, Object subjectId, int schemaVersion, Object payload) {
        EventEnvelope envelope = envelope(type, subjectId, schemaVersion, payload);
        return insert(envelope, EventJson.write(envelope)).replaceWith(envelope);
    }

    /**
     * Records the events of one change in one row (a JSON array, which the relay publishes as one
     * stream entry per event, in order): one insert where each event would take its own. The row's
     * id, type and subject are its first event's. Must run inside a transaction, as {@link #record}.
     */
    public Uni<List<EventEnvelope>> recordAll(List<Event> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no events to record");
        }
        List<EventEnvelope> envelopes = events.stream()
                .map(event -> envelope(event.type(), event.subjectId(), 1, event.payload())).toList();
        String json = envelopes.size() == 1 ? EventJson.write(envelopes.get(0)) : EventJson.writeAll(envelopes);
        return insert(envelopes.get(0), json).replaceWith(envelopes);
    }

    private EventEnvelope envelope(String type, Object subjectId, int schemaVersion, Object payload) {
        return new EventEnvelope(Uuids.timeOrdered(), type, source, subjectId == null ? null : subjectId.toString(),
                Instant.now(), schemaVersion, tracing.traceparent(), EventJson.tree(payload));
    }

    /** Inserts a row keyed by {@code first} (its id, type, subject and time) holding {@code json}. */
    private Uni<Integer> insert(EventEnvelope first, String json) {
        return Panache.currentTransaction().chain(transaction -> {
            if (transaction == null) {
                return Uni.createFrom().failure(new IllegalStateException(
                        "Outbox.record(" + first.type() + ") must run inside a transaction"));
            }
            return Panache.getSession().chain(session -> session.createNativeQuery(insert)
                    .setParameter(1, first.id())
                    .setParameter(2, first.type())
                    .setParameter(3, first.subjectId())
                    .setParameter(4, json)
                    .setParameter(5, first.occurredAt())
                    .executeUpdate());
        });
    }
}
