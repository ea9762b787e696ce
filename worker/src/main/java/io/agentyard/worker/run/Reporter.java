package io.agentyard.worker.run;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentyard.worker.Threads;
import io.agentyard.worker.agent.AgentEvent;
import io.agentyard.worker.api.ApiException;
import io.agentyard.worker.api.ControlPlane;

/**
 * Reports one run to execution-service, from the run's own thread so everything arrives in the
 * order the agent produced it: log lines in batches (every {@link #FLUSH_EVERY} or
 * {@link #MAX_LINES} lines, each batch with an idempotency key so a retried batch is stored once),
 * steps as they start and finish (pending lines are sent first), and live activity. Once
 * execution-service refuses the run (finished, or no longer this worker's), nothing more is sent.
 * While it cannot be reached (a restart, an outage), lines and steps are tried again for as long as
 * the run goes on, not just a few times: the run's thread waits (the agent's output queues up
 * meanwhile) and everything arrives, in order, before the order is completed.
 */
final class Reporter {

    private static final Logger LOG = Logger.getLogger(Reporter.class.getName());
    static final Duration FLUSH_EVERY = Duration.ofMillis(250);
    private static final int MAX_LINES = 500;
    /** Well under execution-service's 512 KiB per batch. */
    private static final int MAX_BATCH_CHARS = 256 * 1024;
    private static final int MAX_MESSAGE = 16 * 1024;
    private static final int ATTEMPTS = 4;
    /** The longest pause between tries while execution-service is away. */
    private static final long MAX_PAUSE_MS = 5_000;

    private final ControlPlane api;
    private final String execution;
    private final BooleanSupplier runGoesOn;
    private ArrayNode pending = ControlPlane.JSON.createArrayNode();
    /** A batch that could not be sent yet: it goes again, as it was, before anything newer. */
    private Batch unsent;
    private final Map<String, String> stepIds = new HashMap<>();
    private int pendingChars;
    private Instant oldestPending;
    private volatile boolean closed;
    private long linesSent;
    private int steps;

    /**
     * {@code runGoesOn}: whether the run still goes on (not stopped, its deadline not near), so that
     * what execution-service cannot take for now is worth waiting for rather than dropped.
     */
    Reporter(ControlPlane api, String executionId, BooleanSupplier runGoesOn) {
        this.api = api;
        this.execution = api.endpoints().execution() + "/api/executions/" + executionId;
        this.runGoesOn = runGoesOn;
    }

    void report(AgentEvent event) {
        // questions and results are the run's to act on, not the reporter's
        if (event instanceof AgentEvent.Log log) {
            log(log.level(), log.message(), log.metadata());
        } else if (event instanceof AgentEvent.StepStarted step) {
            startStep(step);
        } else if (event instanceof AgentEvent.StepFinished step) {
            finishStep(step);
        } else if (event instanceof AgentEvent.Activity activity) {
            activity(activity.kind(), activity.data());
        }
    }

    void log(String level, String message, Map<String, Object> metadata) {
        if (closed) {
            return;
        }
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + " [cut]" : message;
        ObjectNode line = pending.addObject().put("level", level).put("message", text)
                .put("loggedAt", Instant.now().toString());
        if (metadata != null && !metadata.isEmpty()) {
            line.set("metadata", ControlPlane.JSON.valueToTree(metadata));
        }
        pendingChars += text.length() + 64;
        if (oldestPending == null) {
            oldestPending = Instant.now();
        }
        if (pending.size() >= MAX_LINES || pendingChars >= MAX_BATCH_CHARS) {
            flush();
        }
    }

    /** Sends the pending lines when the oldest has waited long enough. */
    void tick() {
        if (unsent != null || oldestPending != null && Instant.now().isAfter(oldestPending.plus(FLUSH_EVERY))) {
            flush();
        }
    }

    /**
     * Sends the pending lines. A batch that fails for now is kept as it is, with its idempotency key,
     * and sent again first at the next flush (stored once however often it is sent); lines logged
     * meanwhile wait behind it, so the order holds.
     */
    void flush() {
        if (closed) {
            unsent = null;
            clearPending();
            return;
        }
        if (unsent != null && !sendBatch(unsent)) {
            if (pendingChars > 4 * MAX_BATCH_CHARS) {
                clearPending(); // execution-service away so long that the lines cannot all wait
            }
            return;
        }
        unsent = null;
        ArrayNode waiting = pending;
        clearPending();
        // lines that piled up while execution-service was away go in batches it accepts
        int next = 0;
        while (next < waiting.size()) {
            ArrayNode chunk = ControlPlane.JSON.createArrayNode();
            int chars = 0;
            while (next < waiting.size() && chunk.size() < MAX_LINES && chars < MAX_BATCH_CHARS) {
                JsonNode line = waiting.get(next++);
                chars += line.path("message").asText().length() + 64;
                chunk.add(line);
            }
            ObjectNode lines = ControlPlane.JSON.createObjectNode();
            lines.set("lines", chunk);
            Batch batch = new Batch(lines, UUID.randomUUID().toString(), chunk.size());
            if (!sendBatch(batch)) {
                if (!closed) {
                    unsent = batch;
                    for (int i = next; i < waiting.size(); i++) {
                        pending.add(waiting.get(i));
                    }
                }
                return;
            }
        }
    }

    private boolean sendBatch(Batch batch) {
        boolean sent = send(() -> api.post(execution + "/logs", batch.body(), Map.of("Idempotency-Key", batch.key()),
                Duration.ofSeconds(30))) != null;
        if (sent) {
            linesSent += batch.count();
        }
        return sent;
    }

    /** Lines sent as one request, under one idempotency key. */
    private record Batch(ObjectNode body, String key, int count) {
    }

    /** Nothing more is sent for this run (it is no longer this worker's). */
    void close() {
        closed = true;
    }

    private void clearPending() {
        pending = ControlPlane.JSON.createArrayNode();
        oldestPending = null;
        pendingChars = 0;
    }

    long linesSent() {
        return linesSent;
    }

    int steps() {
        return steps;
    }

    private void startStep(AgentEvent.StepStarted step) {
        flush();
        ObjectNode body = ControlPlane.JSON.createObjectNode().put("name", clip(step.name(), 255)).put("type", step.type());
        if (step.input() != null && !step.input().isEmpty()) {
            body.set("input", ControlPlane.JSON.valueToTree(step.input()));
        }
        JsonNode created = send(() -> api.post(execution + "/steps", body));
        if (created != null && created.hasNonNull("id")) {
            stepIds.put(step.key(), created.get("id").asText());
            steps++;
        }
    }

    private void finishStep(AgentEvent.StepFinished step) {
        String id = stepIds.remove(step.key());
        if (id == null) {
            return;
        }
        flush();
        ObjectNode body = ControlPlane.JSON.createObjectNode().put("status", step.failed() ? "failed" : "completed");
        if (step.output() != null) {
            body.set("output", ControlPlane.JSON.valueToTree(step.output() instanceof String text
                    ? Map.of("text", text) : step.output()));
        }
        if (step.error() != null) {
            body.put("error", step.error());
        }
        send(() -> api.patch(execution + "/steps/" + id, body));
    }

    private void activity(String kind, Map<String, Object> data) {
        if (closed) {
            return;
        }
        try {
            api.post(execution + "/activity", Map.of("kind", kind, "data", data == null ? Map.of() : data));
        } catch (ApiException e) {
            // live activity is best effort: followers miss one item, the logs and steps still have it
        }
    }

    /**
     * A call tried again while the service is unreachable or failing, a few times and then for as long
     * as the run goes on: its answer, or null. A refusal that means the execution is no longer this
     * run's (403: another holder; 404; 409 "has finished") closes the reporter.
     */
    private JsonNode send(Supplier<JsonNode> call) {
        for (int attempt = 1; ; attempt++) {
            if (closed) {
                return null;
            }
            try {
                return call.get();
            } catch (ApiException e) {
                if (e.isTransient() && (attempt < ATTEMPTS || runGoesOn.getAsBoolean())) {
                    if (attempt == ATTEMPTS) {
                        LOG.log(Level.WARNING, "execution {0}: {1}; the run''s logs and steps wait for it",
                                new Object[] {execution, e.getMessage()});
                    }
                    Threads.sleep(Math.min(MAX_PAUSE_MS, 250L << Math.min(attempt, 5)));
                    continue;
                }
                if (e.is(403) || e.is(404) || (e.is(409) && e.getMessage().contains("has finished"))) {
                    closed = true;
                }
                LOG.log(Level.WARNING, "execution {0}: {1}", new Object[] {execution, e.getMessage()});
                return null;
            }
        }
    }

    private static String clip(String text, int max) {
        return text == null ? "step" : text.length() > max ? text.substring(0, max) : text;
    }

}
