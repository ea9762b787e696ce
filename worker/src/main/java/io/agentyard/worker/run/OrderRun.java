package io.agentyard.worker.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentyard.worker.Threads;
import io.agentyard.worker.agent.AgentCommandLine;
import io.agentyard.worker.agent.AgentEvent;
import io.agentyard.worker.agent.AgentOutput;
import io.agentyard.worker.agent.AgentProcess;
import io.agentyard.worker.api.ApiException;
import io.agentyard.worker.api.ControlPlane;
import io.agentyard.worker.config.WorkerConfig.AgentCommand;
import io.agentyard.worker.prompt.Prompt;
import io.agentyard.worker.workspace.Workspaces;
import io.agentyard.worker.workspace.Workspaces.Workspace;

/**
 * One claimed work order, from its claim to its completion or failure: heartbeats its lease (and
 * stops everything when the task is cancelled or the lease is gone), prepares the workspace,
 * renders the prompt, runs the agent command until it exits or the order's deadline, reports its
 * output as logs, steps and activity, passes questions to people and their answers back, and
 * completes or fails the order with the attempt's fencing token.
 */
final class OrderRun implements Runnable {

    private static final Logger LOG = Logger.getLogger(OrderRun.class.getName());
    /** The agent is stopped this long before the order's deadline, so the failure still reaches task-service in time. */
    private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(8);
    private static final Duration ANSWER_POLL = Duration.ofSeconds(1);
    private static final int TAIL = 64 * 1024;

    /** Why a run stopped before its agent ended by itself. */
    enum Stop {
        CANCELLED("the task was cancelled"), LEASE_LOST("the lease is gone"),
        SHUTDOWN("the worker stopped before the run finished"), TIMEOUT("the agent ran past the order's deadline");

        final String reason;

        Stop(String reason) {
            this.reason = reason;
        }

        /** The attempt is no longer this worker's: nothing more is reported for it. */
        boolean ownsNothingMore() {
            return this == CANCELLED || this == LEASE_LOST;
        }
    }

    private final RunContext context;
    private final JsonNode order;
    private final JsonNode payload;
    private final String orderUrl;
    private final int attempt;
    private final String runName;
    private final Map<String, CompletableFuture<String>> openQuestions = new ConcurrentHashMap<>();
    private final AtomicReference<Stop> stop = new AtomicReference<>();
    /** Set when the run has ended, whatever the reason: the lease keeper stops. */
    private volatile boolean done;
    private volatile AgentProcess process;
    private volatile Reporter reporter;
    private volatile Instant deadline;
    /** How long before the deadline the agent is stopped. */
    private volatile Duration margin = DEADLINE_MARGIN;
    private volatile Instant leaseExpiresAt = Instant.now().plusSeconds(30);
    private String conversationId;

    OrderRun(RunContext context, JsonNode order) {
        this.context = context;
        this.order = order;
        this.payload = order.path("payload");
        this.attempt = order.path("attempt").asInt();
        this.orderUrl = context.api().endpoints().task() + "/api/work-orders/" + order.path("id").asText();
        this.runName = order.path("id").asText() + "-" + attempt;
    }

    String id() {
        return order.path("id").asText();
    }

    String taskId() {
        return order.path("taskId").asText();
    }

    /**
     * Stops the run (the task was cancelled, the lease is gone, the worker is shutting down): the
     * agent's process tree is stopped here, on the caller's thread, so it never outlives the worker.
     * After a cancellation or a lost lease nothing more is reported for the attempt; after a
     * shutdown the order is failed as retryable. The first reason counts.
     */
    void abort(Stop why) {
        if (!stop.compareAndSet(null, why)) {
            return;
        }
        Reporter own = reporter;
        if (own != null && why.ownsNothingMore()) {
            own.close();
        }
        openQuestions.values().forEach(answer -> answer.cancel(false));
        AgentProcess agent = process;
        if (agent != null) {
            try {
                agent.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        Instant started = Instant.now();
        Workspace workspace = null;
        try {
            LOG.info(() -> "order " + id() + " (task " + taskId() + ", attempt " + attempt + "): claimed");
            deadline = Instant.parse(order.path("leaseExpiresAt").asText(Instant.now().plusSeconds(60).toString()));
            heartbeat();
            if (stop.get() != null) {
                return;
            }
            Threads.daemon("lease-" + runName, this::keepLease);
            workspace = context.workspaces().prepare(runName, text(payload, "repositoryUrl"),
                    text(payload, "branchName"), taskId());
            Outcome outcome = stop.get() == null ? runAgent(workspace, Prompt.render(payload, documents())) : null;
            Stop stopped = stop.get();
            if (stopped != null && stopped.ownsNothingMore()) {
                LOG.info(() -> "order " + id() + ": stopped, " + stopped.reason + "; nothing more is reported");
                return;
            }
            finish(outcome, workspace, started);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "order " + id() + " failed: " + e.getMessage(), e);
            Stop stopped = stop.get();
            if (stopped == null || !stopped.ownsNothingMore()) {
                fail(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), true);
            }
        } finally {
            done = true;
            openQuestions.values().forEach(answer -> answer.cancel(false));
            if (workspace != null) {
                context.workspaces().release(workspace);
            }
        }
    }

    /** What the agent did: its exit code, what it said of itself, and the ends of its output. */
    private record Outcome(int exitCode, AgentEvent.Result result, String stdout, String stderr, long lines, int steps) {
    }

    private Outcome runAgent(Workspace workspace, String prompt) throws IOException, InterruptedException {
        AgentCommand command = context.config().agentFor(payload.path("taskType").asText());
        if (command == null) {
            throw new IOException("no agent command is configured for task type " + payload.path("taskType").asText());
        }
        Path promptFile = context.promptFile(runName);
        Files.writeString(promptFile, prompt);
        Map<String, String> values = Map.of("prompt", prompt, "promptFile", promptFile.toString(),
                "workspace", workspace.dir().toString(), "taskId", taskId());
        List<String> argv = AgentCommandLine.render(command.command(), values);
        AgentOutput output = AgentOutput.forFormat(command.format());
        margin = min(DEADLINE_MARGIN, Duration.between(Instant.now(), deadline).dividedBy(4));
        Reporter reporter = new Reporter(context.api(), order.path("executionId").asText(), this::goesOn);
        this.reporter = reporter;
        String askToken = context.askServer().open(this);
        try {
            Map<String, String> env = context.agentEnvironment(askToken);
            env.put("AGENTYARD_TASK_ID", taskId());
            env.put("AGENTYARD_WORK_ORDER_ID", id());
            env.put("AGENTYARD_EXECUTION_ID", order.path("executionId").asText());
            env.put("AGENTYARD_PROMPT_FILE", promptFile.toString());
            reporter.log("INFO", "agentyard-worker: running " + argv.get(0) + " in " + workspace.dir()
                    + (workspace.isGit() ? " (branch " + workspace.branch() + ")" : ""), Map.of("source", "worker"));
            AgentProcess agent = AgentProcess.start(argv, workspace.dir(), env, command.takesAnswersOnStdin());
            process = agent;
            if (stop.get() != null) {
                agent.stop(); // stopped while the agent was starting, before abort() could see it
            }
            Tail stdout = new Tail(TAIL);
            Tail stderr = new Tail(TAIL);
            AgentEvent.Result result = null;
            while (true) {
                // a question's wait does not count: task-service moves the deadline by it once answered
                if (openQuestions.isEmpty() && Instant.now().isAfter(deadline.minus(margin))
                        && stop.compareAndSet(null, Stop.TIMEOUT)) {
                    reporter.log("WARNING", "agentyard-worker: stopping the agent: " + Stop.TIMEOUT.reason,
                            Map.of("source", "worker"));
                    reporter.flush();
                    agent.stop();
                }
                AgentProcess.Line line = agent.lines().poll(Reporter.FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                if (line != null && line.isEnd()) {
                    break;
                }
                if (line != null) {
                    boolean out = line.stream().equals("stdout");
                    (out ? stdout : stderr).add(line.text());
                    for (AgentEvent event : out ? output.stdout(line.text()) : output.stderr(line.text())) {
                        result = handle(event, reporter, output, command, result);
                    }
                }
                reporter.tick();
            }
            Integer exit = agent.waitFor(Duration.ofSeconds(10));
            int exitCode = exit == null ? agent.stop() : exit;
            agent.stopLeftovers();
            for (AgentEvent event : output.end(exitCode)) {
                result = handle(event, reporter, output, command, result);
            }
            reporter.log(exitCode == 0 ? "INFO" : "ERROR", "agentyard-worker: the agent exited with code " + exitCode,
                    Map.of("source", "worker", "exitCode", exitCode));
            reporter.flush();
            return new Outcome(exitCode, result, stdout.text(), stderr.text(), reporter.linesSent(), reporter.steps());
        } finally {
            context.askServer().close(askToken);
            Files.deleteIfExists(promptFile);
        }
    }

    private AgentEvent.Result handle(AgentEvent event, Reporter reporter, AgentOutput output, AgentCommand command,
                                     AgentEvent.Result result) {
        reporter.report(event);
        // a question the agent asks in its output can be answered only on its stdin; otherwise it
        // asks with `agentyard-worker ask`, and the task is not blocked for a question nobody can answer
        if (event instanceof AgentEvent.Question question && command.takesAnswersOnStdin()) {
            reporter.flush();
            Threads.daemon("question-" + runName, () -> {
                String answer = ask(question.text());
                String line = answer == null ? null : output.answerLine(answer);
                if (line != null && process != null && !process.answer(line)) {
                    LOG.warning(() -> "order " + id() + ": the agent did not take the answer on its stdin");
                }
            });
        }
        return event instanceof AgentEvent.Result own ? own : result;
    }

    /**
     * Posts {@code question} on the task's conversation and waits for a person's answer (delivered by
     * the lease's heartbeats). Null when the run stops first.
     */
    String ask(String question) {
        try {
            String message;
            synchronized (this) {
                if (conversationId == null) {
                    conversationId = context.api().post(context.api().endpoints().chat() + "/api/conversations",
                            Map.of("taskId", taskId())).path("id").asText();
                }
                message = context.api().post(context.api().endpoints().chat() + "/api/conversations/"
                        + conversationId + "/messages", Map.of("content", question, "messageType", "question"))
                        .path("id").asText();
            }
            CompletableFuture<String> answer = new CompletableFuture<>();
            openQuestions.put(message, answer);
            LOG.info(() -> "order " + id() + ": asked question " + message + ", waiting for an answer");
            return answer.join();
        } catch (ApiException e) {
            LOG.warning(() -> "order " + id() + ": could not ask the question: " + e.getMessage());
            return null;
        } catch (CancellationException e) {
            return null;
        }
    }

    /** The run goes on: nothing stopped it and its deadline is not near (its reports are worth waiting for). */
    private boolean goesOn() {
        return stop.get() == null && Instant.now().isBefore(deadline.minus(margin));
    }

    boolean isRunning() {
        return stop.get() == null && !done;
    }

    private void finish(Outcome outcome, Workspace workspace, Instant started) throws IOException {
        long durationMs = Duration.between(started, Instant.now()).toMillis();
        Stop stopped = stop.get();
        if (stopped == Stop.TIMEOUT) {
            fail(stopped.reason + " (" + deadline + ") and was stopped (exit code " + outcome.exitCode() + ")", true);
            return;
        }
        if (stopped == Stop.SHUTDOWN || outcome == null) {
            fail(Stop.SHUTDOWN.reason, true);
            return;
        }
        boolean succeeded = outcome.exitCode() == 0 && (outcome.result() == null || !outcome.result().error());
        if (!succeeded) {
            String last = lastLine(outcome.stderr().isBlank() ? outcome.stdout() : outcome.stderr());
            String said = outcome.result() != null && outcome.result().finalMessage() != null
                    ? outcome.result().finalMessage() : last;
            fail("the agent exited with code " + outcome.exitCode() + (said.isBlank() ? "" : ": " + said), true);
            return;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (outcome.result() != null && outcome.result().finalMessage() != null) {
            result.put("finalMessage", outcome.result().finalMessage());
        } else {
            result.put("finalMessage", lastLine(outcome.stdout()));
        }
        List<String> changed = context.workspaces().changedFiles(workspace);
        result.put("changedFiles", changed);
        if (workspace.isGit()) {
            result.put("branch", workspace.branch());
            JsonNode git = payload.path("context");
            boolean push = git.path("push").asBoolean(false);
            if (push || git.path("commit").asBoolean(false)) {
                String sha = context.workspaces().commit(workspace, commitMessage(), "agentyard-worker", push);
                result.put("commit", sha);
                result.put("pushed", push && sha != null);
            }
        }
        Map<String, Object> metrics = new HashMap<>();
        if (outcome.result() != null && outcome.result().metrics() != null) {
            metrics.putAll(outcome.result().metrics());
        }
        metrics.put("durationMs", durationMs);
        metrics.put("logLines", outcome.lines());
        metrics.put("steps", outcome.steps());
        Map<String, Object> completion = new HashMap<>();
        completion.put("attempt", attempt);
        completion.put("exitCode", outcome.exitCode());
        completion.put("result", result);
        completion.put("stdout", outcome.stdout());
        completion.put("stderr", outcome.stderr());
        completion.put("metrics", metrics);
        if (report("complete", completion)) {
            LOG.info(() -> "order " + id() + ": completed in " + durationMs + " ms, " + changed.size() + " files changed");
        }
    }

    private String commitMessage() {
        return payload.path("title").asText("agentyard task") + "\n\nAgentyard task " + taskId() + ", work order "
                + id() + ", attempt " + attempt + ".";
    }

    private void fail(String error, boolean retryable) {
        String text = error.length() > 9_000 ? error.substring(0, 9_000) : error;
        if (report("fail", Map.of("attempt", attempt, "error", text, "retryable", retryable))) {
            LOG.info(() -> "order " + id() + ": failed: " + text);
        }
    }

    /**
     * Completes or fails the order, retrying while task-service is unreachable (8 tries, about a
     * minute). A completion task-service refuses as such (400, 413: too big, malformed) becomes a
     * failure, so the order never waits for its lease to run out. True when the call was taken.
     */
    private boolean report(String action, Map<String, Object> body) {
        for (int attempt = 1; ; attempt++) {
            try {
                context.api().post(orderUrl + "/" + action, body);
                return true;
            } catch (ApiException e) {
                if (e.isTransient() && attempt < 8) {
                    Threads.sleep(Math.min(10_000L, 250L << attempt));
                    continue;
                }
                LOG.warning(() -> "order " + id() + ": could not " + action + ": " + e.getMessage());
                if (action.equals("complete") && (e.is(400) || e.is(413) || e.is(422))) {
                    fail("the worker's completion was refused (" + e.getMessage() + ")", true);
                }
                return false;
            }
        }
    }

    /**
     * Heartbeats the lease every third of its interval (every second while a question waits). When
     * task-service cannot be reached until the lease has run out, the attempt is as good as lost:
     * another worker may already run it, so the agent is stopped.
     */
    private void keepLease() {
        while (!done && stop.get() == null) {
            Duration left = Duration.between(Instant.now(), leaseExpiresAt);
            Duration pause = openQuestions.isEmpty() ? left.dividedBy(3) : ANSWER_POLL;
            Threads.sleep(Math.max(200, Math.min(pause.toMillis(), 30_000)));
            if (done || stop.get() != null) {
                return;
            }
            try {
                heartbeat();
            } catch (RuntimeException e) {
                LOG.warning(() -> "order " + id() + ": heartbeat failed: " + e.getMessage());
                if (Instant.now().isAfter(leaseExpiresAt) && openQuestions.isEmpty()) {
                    abort(Stop.LEASE_LOST);
                }
            }
        }
    }

    private void heartbeat() {
        JsonNode beat;
        try {
            beat = context.api().post(orderUrl + "/heartbeat", Map.of("attempt", attempt));
        } catch (ApiException e) {
            if (e.is(409) || e.is(403) || e.is(404)) {
                abort("work-order-cancelled".equals(e.problemType()) ? Stop.CANCELLED : Stop.LEASE_LOST);
                return;
            }
            throw e;
        }
        if (beat.path("cancelled").asBoolean(false)) {
            abort(Stop.CANCELLED);
            return;
        }
        if (beat.hasNonNull("expiresAt")) {
            leaseExpiresAt = Instant.parse(beat.get("expiresAt").asText());
        }
        if (beat.hasNonNull("deadlineAt")) {
            deadline = Instant.parse(beat.get("deadlineAt").asText());
        }
        for (JsonNode answer : beat.path("answers")) {
            CompletableFuture<String> waiting = openQuestions.remove(answer.path("questionId").asText());
            if (waiting != null) {
                waiting.complete(answer.path("answer").asText());
            }
        }
    }

    private List<Prompt.Document> documents() {
        List<Prompt.Document> documents = new ArrayList<>();
        for (String id : Prompt.linkedDocuments(payload)) {
            try {
                JsonNode document = context.api().get(context.api().endpoints().chat() + "/api/context-documents/"
                        + ControlPlane.query(id));
                documents.add(new Prompt.Document(id, document.path("title").asText(),
                        document.path("documentType").asText(), document.path("content").asText()));
            } catch (ApiException e) {
                LOG.warning(() -> "order " + id() + ": context document " + id + " left out: " + e.getMessage());
            }
        }
        return documents;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static String lastLine(String text) {
        String trimmed = text.strip();
        int newline = trimmed.lastIndexOf('\n');
        String last = newline < 0 ? trimmed : trimmed.substring(newline + 1);
        return last.length() > 2000 ? last.substring(0, 2000) : last;
    }


    /** The last {@code max} characters of a stream, as task-service keeps them. */
    private static final class Tail {
        private final StringBuilder text = new StringBuilder();
        private final int max;

        Tail(int max) {
            this.max = max;
        }

        void add(String line) {
            text.append(line).append('\n');
            if (text.length() > 2 * max) {
                text.delete(0, text.length() - max);
            }
        }

        String text() {
            return text.length() > max ? text.substring(text.length() - max) : text.toString();
        }
    }
}
