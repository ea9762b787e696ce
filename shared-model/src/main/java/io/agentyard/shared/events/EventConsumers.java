package io.agentyard.shared.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.agentyard.shared.reactive.AfterCommit;
import io.agentyard.shared.reactive.SafeContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Runs one consumer loop per stream that this service's {@link EventHandler}s listen to. Each loop
 * reads with a consumer group named after the service: first its own pending entries (left by a
 * previous run), then new ones. Every {@code reclaimInterval} (a quarkus-scheduler round,
 * {@link #reclaim()}) it takes over entries another consumer left pending longer than {@code minIdle};
 * an entry delivered {@code maxDeliveries} times without success goes to the dead-letter stream {@code agentyard.<service>.dead-letter} with its last error.
 */
@ApplicationScoped
public class EventConsumers {

    private static final Logger LOG = Logger.getLogger(EventConsumers.class);
    /** Longer than a read may block before it counts as hung. */
    private static final Duration READ_GRACE = Duration.ofSeconds(10);

    private final Instance<EventHandler> handlers;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final Vertx vertx;
    private final EventsConfig events;
    private final EventsConfig.Consumer config;
    private final MeterRegistry metrics;
    private final EventTracing tracing;
    private final String group;
    private final String consumer;
    private final String deadLetterStream;
    private final String processedTable;
    private final Map<String, StreamLoop> loops = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    EventConsumers(@Any Instance<EventHandler> handlers, ReactiveRedisDataSource redis, Vertx vertx,
                   EventsConfig events, MeterRegistry metrics, EventTracing tracing,
                   @ConfigProperty(name = "quarkus.application.name") String application) {
        this.tracing = tracing;
        this.handlers = handlers;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.vertx = vertx;
        this.events = events;
        this.config = events.consumer();
        this.metrics = metrics;
        this.group = application;
        this.consumer = application + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.deadLetterStream = events.deadLetterStream();
        this.processedTable = events.source() + ".processed_events";
    }

    void start(@Observes StartupEvent event) {
        Map<String, List<EventHandler>> bySource = handlers.stream()
                .collect(Collectors.groupingBy(EventHandler::source));
        bySource.forEach((source, sourceHandlers) -> {
            StreamLoop loop = new StreamLoop(events.streamOf(source), sourceHandlers);
            loops.put(source, loop);
            loop.start();
        });
    }

    /**
     * A stopping replica reads no more messages, finishes (and acknowledges) those in hand, and
     * leaves anything unacknowledged pending, for another replica's reclaim. Runs after the HTTP
     * server drained and before the Redis and PostgreSQL clients close (on the shutdown thread,
     * which may wait).
     */
    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        long deadline = System.nanoTime() + config.drain().toNanos();
        while (loops.values().stream().anyMatch(StreamLoop::busy) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        loops.values().stream().filter(StreamLoop::busy).forEach(loop -> LOG.warnf(
                "The consumer of %s was still busy after %s; what it did not acknowledge stays pending for reclaim",
                loop.stream, config.drain()));
    }

    /**
     * How long each stream's consumer has gone without moving on (a read or its handling started or
     * ended, a reconnection tried): the readiness check's measure of a stuck consumer.
     */
    public Map<String, Duration> sinceLastTurn() {
        long now = System.nanoTime();
        Map<String, Duration> since = new java.util.TreeMap<>();
        loops.values().forEach(loop -> since.put(loop.stream, Duration.ofNanos(now - loop.lastTurn)));
        return since;
    }

    @Scheduled(identity = "event-reclaim", every = "${agentyard.events.consumer.reclaim-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledReclaim() {
        return reclaim();
    }

    /**
     * One reclaim round over every stream consumed here: takes over entries left pending too long,
     * dead-letters those that keep failing. Failures are logged, never raised (tests call it).
     */
    public Uni<Void> reclaim() {
        if (stopped || loops.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(loops.values().stream().map(StreamLoop::reclaim).toList()).usingConcurrencyOf(1)
                .andCollectFailures().replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    /** One stream: read loop, reclaim round, dead-lettering. */
    private final class StreamLoop {

        private final String stream;
        private final Map<String, List<EventHandler>> byType;
        private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
        private final AtomicLong pending = new AtomicLong();
        /** Where the replay of this consumer's own pending entries goes on; null once done. */
        private String replayFrom = "0";
        /** When the loop last moved on ({@link System#nanoTime()}). */
        private volatile long lastTurn = System.nanoTime();
        /** A read or its handling is under way (a stopping replica waits for it). */
        private volatile boolean busy;

        StreamLoop(String stream, List<EventHandler> handlers) {
            this.stream = stream;
            this.byType = new ConcurrentHashMap<>();
            for (EventHandler handler : handlers) {
                for (String type : handler.types()) {
                    byType.computeIfAbsent(type, t -> new java.util.ArrayList<>()).add(handler);
                }
            }
            metrics.gauge("agentyard.events.pending", List.of(Tag.of("stream", stream), Tag.of("group", group)),
                    pending, AtomicLong::get);
        }

        void start() {
            connect();
        }

        private void connect() {
            turn(true);
            createGroup().subscribe().with(ok -> read(), failure -> {
                turn(false);
                retryLater(this::connect, failure);
            });
        }

        private void turn(boolean working) {
            busy = working;
            lastTurn = System.nanoTime();
        }

        boolean busy() {
            return busy;
        }

        private Uni<Void> createGroup() {
            return streams.xgroupCreate(stream, group, "0", new XGroupCreateArgs().mkstream())
                    .onFailure(e -> String.valueOf(e.getMessage()).contains("BUSYGROUP")).recoverWithNull();
        }

        /**
         * Own pending entries first (after a restart), walking forward so one that keeps failing
         * is left to the reclaimer instead of being read again and again; then new ones, forever.
         */
        private void read() {
            if (stopped) {
                turn(false);
                return;
            }
            turn(true);
            boolean replaying = replayFrom != null;
            XReadGroupArgs args = new XReadGroupArgs().count(config.batchSize());
            if (!replaying) {
                args.block(config.block());
            }
            streams.xreadgroup(group, consumer, stream, replaying ? replayFrom : ">", args)
                    // a read that hangs (Redis unreachable without refusing) fails and is retried
                    .ifNoItem().after(config.block().plus(READ_GRACE)).fail()
                    .chain(messages -> {
                        if (replaying) {
                            replayFrom = messages == null || messages.isEmpty() ? null
                                    : messages.get(messages.size() - 1).id();
                        }
                        return processAll(messages);
                    })
                    .subscribe().with(done -> {
                        turn(false);
                        read();
                    }, failure -> {
                        turn(false);
                        if (String.valueOf(failure.getMessage()).contains("NOGROUP")) {
                            replayFrom = "0";
                            retryLater(this::connect, failure); // the stream was deleted: join it anew
                        } else {
                            retryLater(this::read, failure);
                        }
                    });
        }

        private Uni<Void> processAll(List<StreamMessage<String, String, String>> messages) {
            if (messages == null || messages.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (StreamMessage<String, String, String> message : messages) {
                chain = chain.chain(() -> process(message));
            }
            return chain;
        }

        /** Applies one message once and acknowledges it; a failure leaves it pending for a retry. */
        private Uni<Void> process(StreamMessage<String, String, String> message) {
            EventEnvelope event;
            try {
                event = EventJson.read(message.payload().get("envelope"));
            } catch (RuntimeException unreadable) {
                return deadLetter(message, "unreadable envelope: " + unreadable.getMessage(), 1);
            }
            List<EventHandler> interested = byType.getOrDefault(event.type(), List.of());
            if (interested.isEmpty()) {
                return ack(message);
            }
            // a CONSUMER span per event, continuing the trace the event was written in
            return SafeContext.run(vertx, () -> tracing.consume(event, stream, group, () -> {
                return Panache.withTransaction(() -> markProcessed(event).chain(isNew -> {
                    if (!isNew) {
                        return Uni.createFrom().voidItem(); // a redelivery: applied before
                    }
                    Uni<Void> all = Uni.createFrom().voidItem();
                    for (EventHandler handler : interested) {
                        all = all.chain(() -> handler.handle(event));
                    }
                    return all;
                })).onFailure().invoke(AfterCommit::discard).call(AfterCommit::run);
            })).chain(() -> {
                lastErrors.remove(message.id());
                metrics.counter("agentyard.events.consumed", "stream", stream, "type", event.type()).increment();
                return ack(message);
            }).onFailure().recoverWithUni(failure -> {
                lastErrors.put(message.id(), failure.getClass().getSimpleName() + ": " + failure.getMessage());
                metrics.counter("agentyard.events.failed", "stream", stream, "type", event.type()).increment();
                LOG.warnf("Handling %s %s from %s failed (will retry): %s", event.type(), event.id(), stream,
                        failure.getMessage());
                return Uni.createFrom().voidItem();
            });
        }

        private Uni<Boolean> markProcessed(EventEnvelope event) {
            return Panache.getSession().chain(session -> session.createNativeQuery("insert into " + processedTable
                            + " (event_id, event_type, source) values (?1, ?2, ?3) on conflict do nothing")
                    .setParameter(1, event.id()).setParameter(2, event.type()).setParameter(3, event.source())
                    .executeUpdate()).map(inserted -> inserted == 1);
        }

        private Uni<Void> ack(StreamMessage<String, String, String> message) {
            return streams.xack(stream, group, message.id()).replaceWithVoid();
        }

        /** Takes over entries left pending too long; dead-letters those that keep failing. */
        Uni<Void> reclaim() {
            return streams.xautoclaim(stream, group, consumer, config.minIdle(), "0-0", config.batchSize())
                    .chain(claimed -> {
                        Uni<Void> chain = Uni.createFrom().voidItem();
                        for (StreamMessage<String, String, String> message : claimed.getMessages()) {
                            chain = chain.chain(() -> deliveries(message.id()).chain(count -> count > config.maxDeliveries()
                                    ? deadLetter(message, lastErrors.getOrDefault(message.id(),
                                            "failed on another consumer"), count - 1)
                                    : process(message)));
                        }
                        return chain;
                    })
                    .chain(() -> streams.xpending(stream, group))
                    .invoke(summary -> pending.set(summary.getPendingCount()))
                    .onFailure().invoke(failure -> LOG.debugf("Reclaiming on %s failed: %s", stream, failure.getMessage()))
                    .onFailure().recoverWithNull().replaceWithVoid();
        }

        private Uni<Integer> deliveries(String id) {
            return streams.xpending(stream, group, StreamRange.of(id, id), 1)
                    .map(list -> list.isEmpty() ? 0 : list.get(0).getDeliveryCount());
        }

        private Uni<Void> deadLetter(StreamMessage<String, String, String> message, String error, int deliveries) {
            Map<String, String> entry = new java.util.HashMap<>(message.payload());
            entry.put("stream", stream);
            entry.put("group", group);
            entry.put("messageId", message.id());
            entry.put("error", error);
            entry.put("deliveries", String.valueOf(deliveries));
            LOG.errorf("Dead-lettering message %s of %s after %d deliveries: %s", message.id(), stream, deliveries, error);
            return streams.xadd(deadLetterStream, new XAddArgs().maxlen(100_000L).nearlyExactTrimming(), entry)
                    .invoke(() -> {
                        lastErrors.remove(message.id());
                        metrics.counter("agentyard.events.dead_lettered", "stream", stream, "group", group).increment();
                    })
                    .chain(() -> ack(message));
        }

        private void retryLater(Runnable action, Throwable failure) {
            if (stopped) {
                return;
            }
            LOG.debugf("Consumer of %s paused: %s", stream, failure.getMessage());
            vertx.setTimer(Duration.ofSeconds(1).toMillis(), id -> action.run());
        }
    }
}
