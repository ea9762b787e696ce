package io.agentyard.worker.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentyard.worker.Threads;
import io.agentyard.worker.api.ApiException;
import io.agentyard.worker.api.ControlPlane;
import io.agentyard.worker.config.WorkerConfig;

/**
 * {@code agentyard-worker run}: heartbeats agent-service on the worker's interval, long-polls claims
 * on its queues with its free slots, and runs each claimed order on a thread of its own, up to
 * {@code maxConcurrentTasks} at once. {@link #stop()} (SIGTERM) stops claiming, lets running orders
 * finish for a grace period, then stops their agents and fails them as retryable.
 */
public final class Supervisor {

    private static final Logger LOG = Logger.getLogger(Supervisor.class.getName());
    private static final int CLAIM_WAIT_SECONDS = 10;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ControlPlane api;
    private final WorkerConfig config;
    private final Path home;
    private final Duration grace;
    private final Set<OrderRun> running = ConcurrentHashMap.newKeySet();
    private final Object slotFreed = new Object();
    private volatile boolean stopping;

    public Supervisor(ControlPlane api, WorkerConfig config, Path home, Duration grace) {
        this.api = api;
        this.config = config;
        this.home = home;
        this.grace = grace;
    }

    /** Asks the worker to stop (from a signal handler): claiming ends at once, runs get the grace period. */
    public void stop() {
        stopping = true;
        synchronized (slotFreed) {
            slotFreed.notifyAll();
        }
    }

    /**
     * Runs until {@link #stop()}.
     *
     * @throws CredentialsRefused when identity-service refuses the worker's credentials
     * @throws NotRegistered      when agent-service does not know the worker
     */
    public void run() throws IOException, InterruptedException {
        JsonNode me = untilReachable(() -> api.get(api.endpoints().agent() + "/api/workers/me"));
        if (me == null) {
            return;
        }
        int slots = Math.max(1, me.path("maxConcurrentTasks").asInt(1));
        Duration beat = Duration.ofSeconds(Math.max(1, me.path("heartbeatIntervalSeconds").asInt(30)));
        List<String> queues = config.queues();
        LOG.info(() -> "worker " + config.name() + " (" + config.workerId() + ") serving " + queues + " with "
                + slots + " slot(s); heartbeat every " + beat.toSeconds() + " s");
        ExecutorService runs = Executors.newCachedThreadPool(Threads.factory("order"));
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(Threads.factory("heartbeat"));
        try (AskServer askServer = new AskServer()) {
            RunContext context = RunContext.create(api, config, home, askServer);
            untilReachable(() -> {
                heartbeat();
                return ControlPlane.JSON.nullNode();
            });
            heartbeats.scheduleAtFixedRate(this::heartbeatQuietly, beat.toMillis(), beat.toMillis(), TimeUnit.MILLISECONDS);
            claimLoop(context, runs, queues, slots);
            drain();
        } finally {
            // however the loop ended (credentials refused, a bug): no agent outlives the worker
            running.forEach(run -> run.abort(OrderRun.Stop.SHUTDOWN));
            heartbeats.shutdownNow();
            runs.shutdownNow();
        }
    }

    private void claimLoop(RunContext context, ExecutorService runs, List<String> queues, int slots)
            throws InterruptedException {
        Duration backoff = Duration.ofMillis(500);
        while (!stopping) {
            int free = slots - running.size();
            if (free <= 0) {
                synchronized (slotFreed) {
                    if (!stopping && running.size() >= slots) {
                        slotFreed.wait(1000);
                    }
                }
                continue;
            }
            JsonNode claimed;
            try {
                claimed = api.post(api.endpoints().task() + "/api/work-orders/claim",
                        Map.of("queues", queues, "max", free, "waitSeconds", CLAIM_WAIT_SECONDS), null,
                        Duration.ofSeconds(CLAIM_WAIT_SECONDS + 20));
                backoff = Duration.ofMillis(500);
            } catch (ApiException e) {
                if ("worker-not-ready".equals(e.problemType())) {
                    // task-service has not yet heard of our first heartbeat (it comes as an event)
                    heartbeatQuietly();
                } else if (e.is(401)) {
                    throw new CredentialsRefused(e);
                } else if (e.is(403)) {
                    throw new NotRegistered(); // task-service knows no such worker: it was deleted
                } else if (!e.isTransient()) {
                    throw e;
                } else {
                    LOG.warning("cannot claim: " + e.getMessage() + "; trying again in " + backoff.toMillis() + " ms");
                }
                pause(backoff);
                backoff = doubled(backoff);
                continue;
            }
            for (JsonNode order : claimed) {
                // an order claimed while stopping is run like the others, within the grace period
                OrderRun run = new OrderRun(context, order);
                running.add(run);
                runs.execute(() -> {
                    try {
                        run.run();
                    } finally {
                        running.remove(run);
                        heartbeatQuietly();
                        synchronized (slotFreed) {
                            slotFreed.notifyAll();
                        }
                    }
                });
            }
        }
    }

    /** Lets the running orders finish for the grace period, then stops them (failed as retryable). */
    private void drain() throws InterruptedException {
        if (running.isEmpty()) {
            return;
        }
        LOG.info(() -> "stopping: waiting up to " + grace.toSeconds() + " s for " + running.size() + " run(s)");
        Instant end = Instant.now().plus(grace);
        synchronized (slotFreed) {
            while (!running.isEmpty() && Instant.now().isBefore(end)) {
                slotFreed.wait(Math.max(1, Duration.between(Instant.now(), end).toMillis()));
            }
        }
        if (running.isEmpty()) {
            return;
        }
        LOG.info(() -> "grace period over: stopping " + running.size() + " run(s); their orders go back to the queue");
        running.forEach(run -> run.abort(OrderRun.Stop.SHUTDOWN));
        Instant stopped = Instant.now().plusSeconds(30);
        synchronized (slotFreed) {
            while (!running.isEmpty() && Instant.now().isBefore(stopped)) {
                slotFreed.wait(1000);
            }
        }
    }

    private void heartbeat() {
        int load = running.size();
        api.post(api.endpoints().agent() + "/api/workers/" + config.workerId() + "/heartbeat",
                Map.of("status", load > 0 ? "busy" : "idle", "currentLoad", load));
    }

    private void heartbeatQuietly() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            LOG.warning("heartbeat failed: " + e.getMessage());
        }
    }

    /** Tries {@code call} until it succeeds or the worker stops; null when it stopped first. */
    private JsonNode untilReachable(Supplier<JsonNode> call) throws InterruptedException {
        Duration backoff = Duration.ofMillis(500);
        while (!stopping) {
            try {
                return call.get();
            } catch (ApiException e) {
                if (e.is(401)) {
                    throw new CredentialsRefused(e);
                }
                if (e.is(404)) {
                    throw new NotRegistered();
                }
                if (!e.isTransient()) {
                    throw e;
                }
                LOG.warning(e.getMessage() + "; trying again in " + backoff.toMillis() + " ms");
                pause(backoff);
                backoff = doubled(backoff);
            }
        }
        return null;
    }

    private static Duration doubled(Duration backoff) {
        Duration twice = backoff.multipliedBy(2);
        return twice.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : twice;
    }

    private void pause(Duration duration) throws InterruptedException {
        synchronized (slotFreed) {
            if (!stopping) {
                slotFreed.wait(duration.toMillis());
            }
        }
    }

    /** identity-service refused the worker's credentials (revoked, or deleted with the worker). */
    public static final class CredentialsRefused extends RuntimeException {
        CredentialsRefused(ApiException cause) {
            super("the control plane refused this worker's credentials (" + cause.getMessage()
                    + "): they were revoked; register the worker again", cause);
        }
    }

    /** agent-service does not know this worker. */
    public static final class NotRegistered extends RuntimeException {
        NotRegistered() {
            super("agent-service does not know this worker: it was deleted; register it again");
        }
    }
}
