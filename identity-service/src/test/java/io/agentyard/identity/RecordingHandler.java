package io.agentyard.identity;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventHandler;
import io.smallrye.mutiny.Uni;

/**
 * A consumer of identity-service's own stream, only in tests: counts how often each event is
 * applied, always fails on {@code test.poison}, and hangs on {@code test.hang} until
 * {@link #release()} (a wedged handler).
 */
@ApplicationScoped
public class RecordingHandler implements EventHandler {

    static final String PING = "test.ping";
    static final String POISON = "test.poison";
    static final String HANG = "test.hang";

    private volatile CompletableFuture<Void> hanging = new CompletableFuture<>();
    private final AtomicInteger hung = new AtomicInteger();

    final Map<UUID, AtomicInteger> applied = new ConcurrentHashMap<>();
    final Map<UUID, AtomicInteger> attempts = new ConcurrentHashMap<>();

    @Override
    public String source() {
        return "identity";
    }

    @Override
    public Set<String> types() {
        return Set.of(PING, POISON, HANG);
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        attempts.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
        if (HANG.equals(event.type())) {
            hung.incrementAndGet();
            io.vertx.core.Context context = io.vertx.core.Vertx.currentContext(); // the session's: resume there
            return Uni.createFrom().completionStage(hanging)
                    .emitOn(command -> context.runOnContext(ignored -> command.run()));
        }
        if (POISON.equals(event.type())) {
            return Uni.createFrom().failure(new IllegalStateException("poisoned payload"));
        }
        applied.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
        return Uni.createFrom().voidItem();
    }

    /** Lets every hanging handling finish (and later ones pass at once). */
    void release() {
        hanging.complete(null);
    }

    /** How many handlings of {@code test.hang} began. */
    int hungCount() {
        return hung.get();
    }

    int appliedCount(UUID id) {
        AtomicInteger count = applied.get(id);
        return count == null ? 0 : count.get();
    }

    int attemptCount(UUID id) {
        AtomicInteger count = attempts.get(id);
        return count == null ? 0 : count.get();
    }
}
