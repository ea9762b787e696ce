package io.agentyard.worker.agent.output;

import static io.agentyard.worker.agent.output.OutputSupport.DEBUG;
import static io.agentyard.worker.agent.output.OutputSupport.ERROR;
import static io.agentyard.worker.agent.output.OutputSupport.INFO;
import static io.agentyard.worker.agent.output.OutputSupport.INPUT_STRING_CHARS;
import static io.agentyard.worker.agent.output.OutputSupport.MESSAGE_CHARS;
import static io.agentyard.worker.agent.output.OutputSupport.OUTPUT_CHARS;
import static io.agentyard.worker.agent.output.OutputSupport.SUMMARY_CHARS;
import static io.agentyard.worker.agent.output.OutputSupport.WARNING;
import static io.agentyard.worker.agent.output.OutputSupport.fields;
import static io.agentyard.worker.agent.output.OutputSupport.firstLine;
import static io.agentyard.worker.agent.output.OutputSupport.inputMap;
import static io.agentyard.worker.agent.output.OutputSupport.log;
import static io.agentyard.worker.agent.output.OutputSupport.number;
import static io.agentyard.worker.agent.output.OutputSupport.plain;
import static io.agentyard.worker.agent.output.OutputSupport.text;
import static io.agentyard.worker.agent.output.OutputSupport.truncate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentyard.worker.agent.AgentEvent;
import io.agentyard.worker.agent.AgentEvent.Activity;

/**
 * Codex's {@code codex exec --json <prompt>}: JSONL thread events ({@code thread.started},
 * {@code turn.started|completed|failed}, {@code item.started|updated|completed}, {@code error}) whose
 * items are agent_message, reasoning, command_execution, file_change, mcp_tool_call, web_search,
 * todo_list and error (openai/codex {@code docs/exec.md}, {@code codex-rs/exec/src/exec_events.rs}).
 * Codex has no closing result line, so the {@link AgentEvent.Result} comes at {@link #end}.
 */
public final class CodexJson extends JsonLinesOutput {

    private String threadId;
    private String lastMessage;
    private String lastError;
    private long turns;
    /** How the last turn ended: null while none has, else whether it failed. */
    private Boolean lastTurnFailed;
    private Map<String, Object> usage = Map.of();

    @Override
    void read(String type, JsonNode line, List<AgentEvent> events) {
        switch (type) {
            case "thread.started" -> {
                threadId = text(line.get("thread_id"));
                String message = "thread started: " + threadId;
                events.add(log(INFO, message, meta(line)));
                events.add(new Activity("agent_activity", fields("text", message, "sessionId", threadId)));
            }
            case "turn.completed" -> turnCompleted(line, events);
            case "turn.failed" -> {
                turns++;
                lastTurnFailed = true;
                failure("turn failed: ", text(line.path("error").get("message")), line, events);
            }
            // not always the end: codex also reports here a stream it is about to retry
            case "error" -> failure("", text(line.get("message")), line, events);
            case "item.started", "item.updated", "item.completed" -> item(type, line, events);
            // turn.started, and whatever comes next
            default -> events.add(log(DEBUG, line.toString(), meta(line)));
        }
    }

    /** {@code codex exec} reads its prompt once and takes nothing more on stdin. */
    @Override
    public String answerLine(String answer) {
        return null;
    }

    @Override
    void finish(int exitCode, List<AgentEvent> events) {
        if (lastTurnFailed == null && lastError == null) {
            return; // codex said nothing of how it went: the exit code does
        }
        boolean error = lastTurnFailed == null || lastTurnFailed;
        String finalMessage = error ? (lastError != null ? lastError : "the turn did not complete") : lastMessage;
        Map<String, Object> metrics = new LinkedHashMap<>(usage);
        metrics.putAll(fields("turns", turns, "sessionId", threadId));
        events.add(log(error ? ERROR : INFO, "result: " + (error ? "failed: " : "") + firstLine(finalMessage),
                Map.of("event", "end")));
        events.add(new AgentEvent.Result(finalMessage, error, metrics));
    }

    private void turnCompleted(JsonNode line, List<AgentEvent> events) {
        turns++;
        lastTurnFailed = false;
        JsonNode tokens = line.path("usage");
        // The thread's running total (exec's usage_from_last_total), not this turn's share: the latest
        // one stands for the run, adding them up would count earlier turns again.
        usage = fields(
                "inputTokens", number(tokens.get("input_tokens")),
                "cacheReadInputTokens", number(tokens.get("cached_input_tokens")),
                "outputTokens", number(tokens.get("output_tokens")));
        events.add(log(INFO, "turn completed: " + usage, meta(line)));
    }

    private void failure(String prefix, String message, JsonNode line, List<AgentEvent> events) {
        lastError = message != null ? message : line.toString();
        events.add(log(ERROR, prefix + lastError, meta(line)));
    }

    private void item(String event, JsonNode line, List<AgentEvent> events) {
        JsonNode item = line.path("item");
        boolean completed = "item.completed".equals(event);
        switch (item.path("type").asText()) {
            case "agent_message" -> {
                String text = text(item.get("text"));
                if (completed && text != null) {
                    lastMessage = text;
                    events.add(log(INFO, text, meta(line)));
                    events.add(new Activity("agent_activity", fields("text", truncate(text, MESSAGE_CHARS))));
                }
            }
            // a summary codex writes to be shown, unlike Claude's full thinking
            case "reasoning" -> events.add(log(INFO, "reasoning: " + text(item.get("text")), meta(line)));
            case "command_execution", "mcp_tool_call", "web_search" -> toolItem(event, item, line, events);
            case "file_change" -> {
                if (completed) {
                    fileChange(item, line, events);
                }
            }
            case "todo_list" -> {
                String plan = todoText(item.path("items"));
                events.add(log(INFO, "plan: " + plan, meta(line)));
                events.add(new Activity("agent_activity", fields("text", "plan: " + plan)));
            }
            case "error" -> events.add(log(WARNING, text(item.get("message")), meta(line)));
            default -> { // left to the DEBUG line every unread line gets
            }
        }
    }

    /** A call that takes time (a command, an MCP tool, a web search): a step from its start to its end. */
    private void toolItem(String event, JsonNode item, JsonNode line, List<AgentEvent> events) {
        String id = text(item.get("id"));
        if (id == null) {
            return;
        }
        Call call = Call.of(item);
        if (openStep(id) == null && !"item.updated".equals(event)) {
            // item.started, or an item.completed whose start codex never wrote: it starts here
            events.add(log(INFO, call.name() + ": " + call.summary(), meta(line)));
            events.add(startStep(id, call.name(), call.input()));
            events.add(new Activity("tool_execution", fields("tool", call.name(), "id", id, "input", call.summary())));
        }
        if ("item.completed".equals(event)) {
            Outcome outcome = Outcome.of(item);
            String how = outcome.failed() ? " failed (" + firstLine(outcome.error()) + "): " : " done: ";
            events.add(log(outcome.failed() ? WARNING : INFO, call.name() + how + call.summary(), meta(line)));
            events.add(finishStep(id, outcome.failed(), outcome.output(), outcome.error()));
        }
    }

    private record Call(String name, Map<String, Object> input, String summary) {
        static Call of(JsonNode item) {
            return switch (item.path("type").asText()) {
                case "command_execution" -> {
                    String command = text(item.get("command"));
                    yield new Call("command", fields("command", truncate(command, INPUT_STRING_CHARS)), firstLine(command));
                }
                case "mcp_tool_call" -> new Call(
                        // Claude Code's spelling of an MCP tool, so both agents' steps read alike
                        "mcp__" + text(item.get("server")) + "__" + text(item.get("tool")),
                        inputMap(item.path("arguments")), truncate(item.path("arguments").toString(), SUMMARY_CHARS));
                default -> new Call("web_search", fields("query", text(item.get("query"))),
                        firstLine(text(item.get("query"))));
            };
        }
    }

    private record Outcome(boolean failed, Object output, String error) {
        static Outcome of(JsonNode item) {
            String status = text(item.get("status"));
            return switch (item.path("type").asText()) {
                case "command_execution" -> {
                    Number exitCode = number(item.get("exit_code"));
                    boolean nonZero = exitCode != null && exitCode.longValue() != 0;
                    boolean failed = nonZero || "failed".equals(status) || "declined".equals(status);
                    String output = truncate(text(item.get("aggregated_output")), OUTPUT_CHARS);
                    yield new Outcome(failed, fields("exitCode", exitCode, "output", output),
                            !failed ? null : nonZero ? "exit code " + exitCode : "the command " + status);
                }
                case "mcp_tool_call" -> {
                    String error = text(item.path("error").get("message"));
                    boolean failed = "failed".equals(status) || error != null;
                    yield new Outcome(failed, plain(item.get("result"), OUTPUT_CHARS),
                            failed ? (error != null ? error : "the MCP tool call failed") : null);
                }
                default -> new Outcome(false, plain(item.get("action"), OUTPUT_CHARS), null);
            };
        }
    }

    private void fileChange(JsonNode item, JsonNode line, List<AgentEvent> events) {
        String status = text(item.get("status"));
        boolean applied = !"failed".equals(status); // a failed patch changed nothing
        List<String> changes = new ArrayList<>();
        List<AgentEvent> activities = new ArrayList<>();
        for (JsonNode change : item.path("changes")) {
            String path = text(change.get("path"));
            String kind = text(change.get("kind"));
            changes.add(kind + " " + path);
            if (applied && path != null) {
                activities.add(new Activity("file_change", fields("path", path, "kind", kind)));
            }
        }
        events.add(log(applied ? INFO : WARNING, "file changes " + status + ": " + String.join(", ", changes), meta(line)));
        events.addAll(activities);
    }

    private static String todoText(JsonNode items) {
        List<String> entries = new ArrayList<>();
        for (JsonNode entry : items) {
            entries.add((entry.path("completed").asBoolean(false) ? "[x] " : "[ ] ") + text(entry.get("text")));
        }
        return String.join("; ", entries);
    }

    private static Map<String, Object> meta(JsonNode line) {
        JsonNode item = line.get("item");
        return fields("event", line.path("type").asText(), "item", item != null ? text(item.get("type")) : null);
    }
}
