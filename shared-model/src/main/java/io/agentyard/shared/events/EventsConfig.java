package io.agentyard.shared.events;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings of the outbox relay and the stream consumers ({@code agentyard.events.*}). */
@ConfigMapping(prefix = "agentyard.events")
public interface EventsConfig {

    /** Prefix of every Redis key Agentyard uses (tests give each run its own); none by default. */
    @WithName("key-prefix")
    Optional<String> configuredKeyPrefix();

    default String keyPrefix() {
        return configuredKeyPrefix().orElse("");
    }

    /** This service's short name: its stream is {@code agentyard.<source>.events}. */
    String source();

    /** The stream a service publishes to. */
    default String streamOf(String service) {
        return keyPrefix() + "agentyard." + service + ".events";
    }

    /** This service's dead-letter stream: messages its consumer group gave up on. */
    default String deadLetterStream() {
        return keyPrefix() + "agentyard." + source() + ".dead-letter";
    }

    Relay relay();

    Consumer consumer();

    interface Relay {
        @WithDefault("true")
        boolean enabled();

        /** How often the relay looks for unpublished rows. */
        @WithDefault("PT0.1S")
        Duration interval();

        /** Rows published per round trip. */
        @WithDefault("200")
        int batchSize();

        /** Approximate MAXLEN of a stream; generous so pending entries are not trimmed away. */
        @WithDefault("1000000")
        long maxStreamLength();

        /** How long published rows (and processed-event ids) are kept. */
        @WithDefault("P7D")
        Duration retention();

        @WithDefault("PT1H")
        Duration pruneInterval();
    }

    interface Consumer {
        /** Longest a read waits for new messages; it holds a Redis connection meanwhile. */
        @WithDefault("PT1S")
        Duration block();

        @WithDefault("50")
        int batchSize();

        /** Pending this long, a message is taken over from its (presumed dead) consumer. */
        @WithDefault("PT30S")
        Duration minIdle();

        @WithDefault("PT10S")
        Duration reclaimInterval();

        /** Deliveries after which a message that keeps failing goes to the dead-letter stream. */
        @WithDefault("5")
        int maxDeliveries();

        /**
         * A consumer whose read or handling has not moved on for this long is stuck: readiness
         * reports DOWN. Far above a read's block plus the Redis timeout, so an unreachable Redis
         * (reads failing fast, retried every second) never looks stuck.
         */
        @WithDefault("PT60S")
        Duration stall();

        /** Longest a stopping replica waits for the messages in hand to be handled and acknowledged. */
        @WithDefault("PT10S")
        Duration drain();
    }
}
