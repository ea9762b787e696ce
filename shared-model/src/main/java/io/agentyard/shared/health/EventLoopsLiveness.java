package io.agentyard.shared.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import io.netty.util.concurrent.EventExecutor;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * Liveness: every Vert.x event loop runs a task within {@code agentyard.health.event-loop-bound}.
 * Each loop is pinged, not only the one that serves the probe: a loop wedged by blocking code stalls
 * every request and timer bound to it while the others answer happily. The wait is timed on
 * Mutiny's scheduler, not on a Vert.x timer that the wedged loop might own. A wedged loop rarely
 * recovers, so after a few failed probes Kubernetes restarts the pod.
 */
@Liveness
@ApplicationScoped
public class EventLoopsLiveness implements AsyncHealthCheck {

    static final String NAME = "Vert.x event loops responsive";

    private final Vertx vertx;
    private final Duration bound;

    EventLoopsLiveness(Vertx vertx,
                       @ConfigProperty(name = "agentyard.health.event-loop-bound", defaultValue = "PT2S") Duration bound) {
        this.vertx = vertx;
        this.bound = bound;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        // The pings answer on bare Netty threads; the probe's answer goes back on the caller's Vert.x
        // context, or whatever runs after it (its response, its trace context) would run outside it.
        io.vertx.core.Context caller = Vertx.currentContext();
        List<EventExecutor> loops = new ArrayList<>();
        ((VertxInternal) vertx).getEventLoopGroup().forEach(loops::add);
        List<Uni<Long>> pings = new ArrayList<>();
        for (EventExecutor loop : loops) {
            pings.add(ping(loop));
        }
        return Uni.join().all(pings).andFailFast().map(delays -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("loops", loops.size())
                    .withData("bound", bound.toString());
            boolean up = true;
            for (int i = 0; i < delays.size(); i++) {
                long millis = delays.get(i);
                up &= millis >= 0;
                response.withData("loop-" + i, millis >= 0 ? millis + " ms" : "no answer within the bound");
            }
            return response.status(up).build();
        }).emitOn(caller == null ? Infrastructure.getDefaultExecutor() : task -> caller.runOnContext(ignored -> task.run()));
    }

    /** Milliseconds the loop took to run a task; -1 when it did not within the bound. */
    private Uni<Long> ping(EventExecutor loop) {
        long sent = System.nanoTime();
        // The loop's task only stamps the time: nothing of the probe's own pipeline (nor the context it
        // carries) may run on a bare loop thread, where it would be left behind for later requests.
        java.util.concurrent.CompletableFuture<Long> answered = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> answered.complete(Duration.ofNanos(System.nanoTime() - sent).toMillis()));
        return Uni.createFrom().completionStage(answered.thenApplyAsync(millis -> millis, Infrastructure.getDefaultExecutor()))
                .ifNoItem().after(bound).recoverWithItem(-1L);
    }
}
