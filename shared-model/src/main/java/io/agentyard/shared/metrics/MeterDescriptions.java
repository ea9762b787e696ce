package io.agentyard.shared.metrics;

import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Help text for the suite's meters that are registered through {@code MeterRegistry}'s shortcuts
 * ({@code counter(...)}, {@code gauge(...)}), which take no description: without one Prometheus
 * shows an empty {@code # HELP}. Meters built with a builder carry their own description and are
 * left alone. docs/metrics.md is the catalog of every metric; the services' tests hold the two
 * together.
 */
@Singleton
public class MeterDescriptions {

    /** Meter name (Micrometer's dotted form) to its help text. */
    static final Map<String, String> DESCRIPTIONS = Map.of(
            "agentyard.outbox.backlog", "Outbox rows not yet published to the service's stream",
            "agentyard.outbox.lag.seconds", "Age of the oldest outbox row not yet published (relay lag)",
            "agentyard.events.pending", "Messages delivered to this service's consumer group and not yet acknowledged",
            "agentyard.events.consumed", "Events this service's consumers applied and acknowledged, by stream and type",
            "agentyard.events.failed", "Event deliveries whose handling failed (retried later), by stream and type",
            "agentyard.events.dead_lettered",
            "Messages this service's consumer group gave up on and moved to its dead-letter stream",
            "agentyard.claim.waiters", "Claims waiting on this replica for a work order to arrive");

    /** The help text of {@code name}, for code that registers the same meter with a builder. */
    public static String describe(String name) {
        return DESCRIPTIONS.get(name);
    }

    @Produces
    @Singleton
    MeterFilter describeShortcutMeters() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String description = id.getDescription() == null ? DESCRIPTIONS.get(id.getName()) : null;
                return description == null ? id
                        : new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
                                id.getBaseUnit(), description, id.getType());
            }
        };
    }
}
