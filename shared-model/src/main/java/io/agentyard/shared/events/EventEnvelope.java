package io.agentyard.shared.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What travels on every Agentyard stream: a fact that already happened.
 *
 * @param id            time-ordered UUID (v7); consumers use it to apply an event once
 * @param type          e.g. {@code user.registered}; see the constants of each producer's events class
 * @param source        the producing service, e.g. {@code identity-service}
 * @param subjectId     the id of the thing the event is about (a user, a task...)
 * @param occurredAt    when the change was committed to the producer's database (UTC)
 * @param schemaVersion version of {@code data}'s shape for this type; bumped on incompatible change
 * @param traceparent   W3C trace context of the request that caused the event
 * @param data          the typed payload, as JSON
 */
public record EventEnvelope(UUID id, String type, String source, String subjectId, Instant occurredAt,
                            int schemaVersion, String traceparent, JsonNode data) {

    /** Reads {@code data} as the payload record of this event's type. */
    public <T> T data(Class<T> payloadType) {
        return EventJson.MAPPER.convertValue(data, payloadType);
    }
}
