package io.agentyard.shared.events;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON form of events, independent of the REST layer's ObjectMapper: ISO-8601 timestamps,
 * and unknown payload fields ignored so producers can add fields without breaking consumers.
 */
public final class EventJson {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EventJson() {
    }

    public static String write(EventEnvelope envelope) {
        try {
            return MAPPER.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** Several envelopes as one JSON array (an outbox row holding the events of one change). */
    public static String writeAll(List<EventEnvelope> envelopes) {
        try {
            return MAPPER.writeValueAsString(envelopes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("events cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    public static EventEnvelope read(String json) {
        try {
            return MAPPER.readValue(json, EventEnvelope.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an event envelope: " + e.getOriginalMessage(), e);
        }
    }

    /** A payload as the JSON an envelope carries in {@code data}. */
    public static com.fasterxml.jackson.databind.JsonNode tree(Object payload) {
        return MAPPER.valueToTree(payload);
    }
}
