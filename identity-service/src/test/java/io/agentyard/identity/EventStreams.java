package io.agentyard.identity;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventJson;
import io.agentyard.shared.events.EventsConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;

/** Reads this test run's Redis streams (keys under the run's own prefix). */
@ApplicationScoped
class EventStreams {

    final StreamCommands<String, String, String> streams;
    final EventsConfig config;

    EventStreams(RedisDataSource redis, EventsConfig config) {
        this.streams = redis.stream(String.class, String.class, String.class);
        this.config = config;
    }

    String identityStream() {
        return config.streamOf("identity");
    }

    String deadLetterStream() {
        return config.keyPrefix() + "agentyard.identity.dead-letter";
    }

    List<StreamMessage<String, String, String>> messages(String stream) {
        return streams.xrange(stream, StreamRange.of("-", "+"));
    }

    /** The identity stream's events, in stream order. */
    List<EventEnvelope> identityEvents() {
        return messages(identityStream()).stream().map(m -> EventJson.read(m.payload().get("envelope"))).toList();
    }

    String add(String stream, EventEnvelope event) {
        return streams.xadd(stream, Map.of("type", event.type(), "envelope", EventJson.write(event)));
    }
}
