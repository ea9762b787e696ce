package io.agentyard.identity;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventHandler;
import io.agentyard.shared.events.IdentityEvents;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.smallrye.mutiny.Uni;

/**
 * A consumer of identity-service's own stream, only in tests: notes the span current while it
 * handles each event (after a database round trip, so the span must follow the reactive chain),
 * and logs a line in it.
 */
@ApplicationScoped
public class TracedHandler implements EventHandler {

    static final String TRACED = "test.traced";
    private static final Logger LOG = Logger.getLogger(TracedHandler.class);

    private final Map<UUID, SpanContext> handledIn = new ConcurrentHashMap<>();

    @Override
    public String source() {
        return "identity";
    }

    @Override
    public Set<String> types() {
        return Set.of(IdentityEvents.USER_REGISTERED, TRACED);
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        return io.quarkus.hibernate.reactive.panache.Panache.getSession()
                .chain(session -> session.createNativeQuery("select 1").getSingleResult())
                .invoke(() -> {
                    LOG.infof("handled %s %s", event.type(), event.id());
                    handledIn.put(event.id(), Span.current().getSpanContext());
                })
                .replaceWithVoid();
    }

    /** The span the event was handled in; null while it was not. */
    SpanContext handledIn(UUID eventId) {
        return handledIn.get(eventId);
    }
}
