package io.agentyard.shared.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Open live followers on this replica, per protocol ({@code sse}, {@code websocket}) and route
 * (the route's path template, so the label stays bounded): the gauge
 * {@code agentyard_stream_followers}. A route {@link #declare}s itself when it is registered, so its
 * series exists at 0 before anyone follows.
 */
@ApplicationScoped
public class StreamFollowers {

    public static final String SSE = "sse";
    public static final String WEBSOCKET = "websocket";

    private final MeterRegistry metrics;
    private final Map<String, AtomicLong> open = new ConcurrentHashMap<>();

    StreamFollowers(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /** Makes the series of {@code route} exist (at 0). */
    public void declare(String protocol, String route) {
        counter(protocol, route);
    }

    /**
     * One more follower of {@code route}; the returned action counts it out, once however often it
     * runs (a response's close and end handlers may both fire).
     */
    public Runnable open(String protocol, String route) {
        AtomicLong count = counter(protocol, route);
        count.incrementAndGet();
        AtomicBoolean left = new AtomicBoolean();
        return () -> {
            if (left.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        };
    }

    private AtomicLong counter(String protocol, String route) {
        String safeRoute = route == null ? "unknown" : route;
        return open.computeIfAbsent(protocol + " " + safeRoute, key -> {
            AtomicLong count = new AtomicLong();
            // the injected registry is Micrometer's global one, which outlives a Quarkus restart in the
            // same JVM (tests): a gauge left by an earlier start would read that start's counter
            Gauge stale = metrics.find("agentyard.stream.followers").tag("protocol", protocol).tag("route", safeRoute)
                    .gauge();
            if (stale != null) {
                metrics.remove(stale);
            }
            Gauge.builder("agentyard.stream.followers", count, AtomicLong::get)
                    .description("Live followers (Server-Sent Events, WebSocket) open on this replica")
                    .tag("protocol", protocol).tag("route", safeRoute).register(metrics);
            return count;
        });
    }
}
