package io.agentyard.shared.health;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;

/**
 * When this replica starts stopping, decided once for every service (README "Stopping a replica"):
 * at Quarkus's shutdown delay (readiness DOWN, requests still served), or at its shutdown when it
 * has no delay. What holds callers open (long-polling claims, event streams, live sockets) observes
 * {@link Began}, fired once, and lets them go to a replica that keeps running.
 */
@ApplicationScoped
public class Stopping {

    /** The replica started stopping. */
    public record Began() {
    }

    private final Event<Began> began;
    private final AtomicBoolean stopping = new AtomicBoolean();

    Stopping(Event<Began> began) {
        this.began = began;
    }

    void delayBegins(@Observes ShutdownDelayInitiatedEvent event) {
        begin();
    }

    // before the other ShutdownEvent observers, which may close what those holding callers use
    void shutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        begin();
    }

    /** True once the replica started stopping. */
    public boolean now() {
        return stopping.get();
    }

    private void begin() {
        if (stopping.compareAndSet(false, true)) {
            began.fire(new Began());
        }
    }
}
