package io.agentyard.shared.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.agentyard.shared.metrics.MeterConventions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The consumer side's metrics that Redis knows better than this process: per stream this service
 * consumes, its consumer group's lag (entries not yet delivered to the group, XINFO GROUPS
 * {@code lag}), and the length of its dead-letter stream. A round every
 * {@code agentyard.metrics.refresh-interval} reads them into gauges (a gauge's callback only reads
 * a number: it never asks Redis). It also registers {@link EventConsumers}' counters at start, at 0,
 * for every stream and event type this service handles, so {@code rate()} and {@code increase()}
 * see the first failure and the first dead letter.
 */
@ApplicationScoped
public class EventMetrics {

    private static final Logger LOG = Logger.getLogger(EventMetrics.class);

    private final ReactiveRedisDataSource redis;
    private final MeterRegistry metrics;
    private final String group;
    private final String deadLetterStream;
    /** Consumed stream to the event types handled on it. */
    private final Map<String, Set<String>> consumed = new TreeMap<>();
    private final Map<String, AtomicLong> lags = new HashMap<>();
    private final AtomicLong deadLetters = new AtomicLong();

    EventMetrics(@Any Instance<EventHandler> handlers, ReactiveRedisDataSource redis, EventsConfig events,
                 MeterRegistry metrics, @ConfigProperty(name = "quarkus.application.name") String application) {
        this.redis = redis;
        this.metrics = metrics;
        this.group = application;
        this.deadLetterStream = events.deadLetterStream();
        for (EventHandler handler : handlers) {
            consumed.computeIfAbsent(events.streamOf(handler.source()), s -> new TreeSet<>()).addAll(handler.types());
        }
    }

    void register(@Observes StartupEvent event) {
        if (consumed.isEmpty()) {
            return; // nothing consumed: no group, no dead letters
        }
        consumed.forEach((stream, types) -> {
            for (String type : types) {
                // the same ids EventConsumers increments: registered here so they exist at 0
                Counter.builder("agentyard.events.consumed").tag("stream", stream).tag("type", type)
                        .description(describe("agentyard.events.consumed")).register(metrics);
                Counter.builder("agentyard.events.failed").tag("stream", stream).tag("type", type)
                        .description(describe("agentyard.events.failed")).register(metrics);
            }
            Counter.builder("agentyard.events.dead_lettered").tag("stream", stream).tag("group", group)
                    .description(describe("agentyard.events.dead_lettered")).register(metrics);
            AtomicLong lag = new AtomicLong();
            lags.put(stream, lag);
            Gauge.builder("agentyard.events.consumer.lag", lag, AtomicLong::get).tag("stream", stream)
                    .tag("group", group)
                    .description("Entries of the stream not yet delivered to this service's consumer group (XINFO GROUPS lag)")
                    .register(metrics);
        });
        Gauge.builder("agentyard.events.dead_letter.entries", deadLetters, AtomicLong::get).tag("group", group)
                .description("Entries in this service's dead-letter stream (messages its consumer group gave up on)")
                .register(metrics);
    }

    private static String describe(String name) {
        return MeterConventions.describe(name);
    }

    @Scheduled(identity = "event-metrics", every = "${agentyard.metrics.refresh-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().onFailure().invoke(failure -> LOG.debugf("Reading consumer lag failed: %s",
                failure.getMessage())).onFailure().recoverWithNull();
    }

    /** One round: reads each consumed stream's lag for this group and the dead-letter stream's length. */
    public Uni<Void> refresh() {
        if (lags.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> reads = new ArrayList<>();
        lags.forEach((stream, lag) -> reads.add(redis.execute("XINFO", "GROUPS", stream)
                .invoke(groups -> {
                    Long value = lagOf(groups, group);
                    if (value != null) {
                        lag.set(value);
                    }
                })
                // no stream or group yet: the consumer creates them; nothing to report meanwhile
                .onFailure().recoverWithNull().replaceWithVoid()));
        reads.add(redis.execute("XLEN", deadLetterStream).invoke(length -> deadLetters.set(length.toLong()))
                .replaceWithVoid());
        return Uni.join().all(reads).andFailFast().replaceWithVoid();
    }

    /**
     * The {@code lag} of {@code group} in an XINFO GROUPS answer (RESP2 flat pairs or RESP3 maps);
     * null when the group is absent or Redis cannot tell (lag is nil after some deletions).
     */
    static Long lagOf(Response groups, String group) {
        if (groups == null) {
            return null;
        }
        for (int i = 0; i < groups.size(); i++) {
            Map<String, Response> fields = fields(groups.get(i));
            Response name = fields.get("name");
            if (name != null && group.equals(name.toString())) {
                Response lag = fields.get("lag");
                return lag == null || lag.toString() == null ? null : lag.toLong();
            }
        }
        return null;
    }

    private static Map<String, Response> fields(Response entry) {
        Map<String, Response> fields = new HashMap<>();
        Set<String> keys;
        try {
            keys = entry.getKeys();
        } catch (RuntimeException notAMap) {
            keys = Set.of();
        }
        if (keys != null && !keys.isEmpty()) {
            keys.forEach(key -> fields.put(key, entry.get(key)));
            return fields;
        }
        for (int i = 0; i + 1 < entry.size(); i += 2) {
            fields.put(entry.get(i).toString(), entry.get(i + 1));
        }
        return fields;
    }
}
