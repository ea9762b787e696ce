package io.agentyard.shared.events;

import java.util.concurrent.ThreadLocalRandom;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.common.vertx.ContextLocals;

/**
 * W3C trace context for events: the {@code traceparent} of the HTTP request, or of the event being
 * handled, is carried into the events they cause; otherwise a new trace starts.
 */
public class TraceContext {

    public static final String HEADER = "traceparent";
    private static final String LOCAL_KEY = "agentyard.traceparent";

    /** Carries an incoming request's trace context to the events it causes. */
    @ServerRequestFilter
    public void fromRequest(ContainerRequestContext request) {
        set(request.getHeaderString(HEADER));
    }

    public static String current() {
        if (io.smallrye.common.vertx.VertxContext.isOnDuplicatedContext()) {
            return ContextLocals.<String>get(LOCAL_KEY).orElseGet(TraceContext::newTrace);
        }
        return newTrace();
    }

    /** Makes {@code traceparent} current on this (duplicated) context, e.g. while handling an event. */
    public static void set(String traceparent) {
        if (valid(traceparent) && io.smallrye.common.vertx.VertxContext.isOnDuplicatedContext()) {
            ContextLocals.put(LOCAL_KEY, traceparent);
        }
    }

    static String newTrace() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "00-%016x%016x-%016x-01".formatted(random.nextLong(), random.nextLong(), random.nextLong() | 1);
    }

    static boolean valid(String traceparent) {
        return traceparent != null && traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    }
}
