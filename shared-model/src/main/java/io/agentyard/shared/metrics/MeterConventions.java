package io.agentyard.shared.metrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * What every service's meters share, applied as Micrometer filters:
 * <ul>
 * <li>Help text for the suite's meters registered through {@code MeterRegistry}'s shortcuts
 * ({@code counter(...)}, {@code gauge(...)}), which take no description: without one Prometheus
 * shows an empty {@code # HELP}. Meters built with a builder carry their own and are left alone.</li>
 * <li>Histogram buckets for Quarkus' {@code http.server.requests}, so dashboards and alerts can
 * take latency quantiles across replicas (a few fixed buckets, not a percentile histogram's
 * seventy, since the series multiply by uri, method and status).</li>
 * </ul>
 * docs/metrics.md is the catalog of every metric; the services' tests hold it and the code together.
 */
@Singleton
public class MeterConventions {

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

    /** Milliseconds for most requests; a claim may long-poll up to its waitSeconds. */
    static final Duration[] HTTP_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(60)};

    @Produces
    @Singleton
    MeterFilter httpServerBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!"http.server.requests".equals(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(
                        Arrays.stream(HTTP_BUCKETS).mapToDouble(Duration::toNanos).toArray())
                        .build().merge(config);
            }
        };
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
