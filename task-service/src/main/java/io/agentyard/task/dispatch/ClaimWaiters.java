package io.agentyard.task.dispatch;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agentyard.shared.events.Wakeups;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Long-polling claims wait here until work arrives on one of their queues. An enqueue on this
 * replica wakes them directly; one on another replica arrives as a Redis wake-up on topic
 * {@code work-orders} (message: the queue). Wake-ups are hints: waiters also re-check on a timer.
 */
@ApplicationScoped
public class ClaimWaiters {

    static final String TOPIC = "work-orders";

    private final ConcurrentHashMap<String, Set<Runnable>> waiting = new ConcurrentHashMap<>();
    private final Wakeups wakeups;
    private Wakeups.Subscription subscription;

    ClaimWaiters(Wakeups wakeups) {
        this.wakeups = wakeups;
    }

    void start(@Observes StartupEvent event) {
        subscription = wakeups.listen(TOPIC, this::wakeLocal);
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscription != null) {
            subscription.close();
        }
    }

    /** Work arrived on {@code queue}: wake waiters here and on every other replica. */
    public Uni<Void> announce(String queue) {
        wakeLocal(queue);
        return wakeups.send(TOPIC, queue);
    }

    /**
     * Completes when work may have arrived on one of {@code queues}, or after {@code timeout},
     * back on the caller's Vert.x context (where its reactive session lives).
     */
    public Uni<Void> await(Collection<String> queues, Duration timeout) {
        Context caller = Vertx.currentContext();
        Uni<Void> wait = Uni.createFrom().<Void>emitter(emitter -> {
            Runnable wake = () -> emitter.complete(null);
            queues.forEach(queue -> waiting.computeIfAbsent(queue, q -> ConcurrentHashMap.newKeySet()).add(wake));
            emitter.onTermination(() -> queues.forEach(queue -> {
                Set<Runnable> set = waiting.get(queue);
                if (set != null) {
                    set.remove(wake);
                }
            }));
        }).ifNoItem().after(timeout).recoverWithItem((Void) null);
        return caller == null || !VertxContext.isDuplicatedContext(caller) ? wait
                : wait.emitOn(command -> caller.runOnContext(ignored -> command.run()));
    }

    private void wakeLocal(String queue) {
        Set<Runnable> set = waiting.get(queue);
        if (set != null) {
            set.forEach(Runnable::run);
        }
    }
}
