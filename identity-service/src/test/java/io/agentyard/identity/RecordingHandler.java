package io.agentyard.identity;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventHandler;
import io.smallrye.mutiny.Uni;

/**
 * A consumer of identity-service's own stream, only in tests: counts how often each event is
 * applied, and always fails on {@code test.poison}.
 */
@ApplicationScoped
public class RecordingHandler implements EventHandler {

    static final String PING = "test.ping";
    static final String POISON = "test.poison";

    final Map<UUID, AtomicInteger> applied = new ConcurrentHashMap<>();
    final Map<UUID, AtomicInteger> attempts = new ConcurrentHashMap<>();

    @Override
    public String source() {
        return "identity";
    }

    @Override
    public Set<String> types() {
        return Set.of(PING, POISON);
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        attempts.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
        if (POISON.equals(event.type())) {
            return Uni.createFrom().failure(new IllegalStateException("poisoned payload"));
        }
        applied.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
        return Uni.createFrom().voidItem();
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
