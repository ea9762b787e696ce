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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentyard.worker.agent.AgentEvent;
import io.agentyard.worker.agent.AgentEvent.Activity;

/**
 * Claude Code's {@code claude -p <prompt> --output-format stream-json --verbose}: one SDK message per
 * line, {@code system} (subtype {@code init} first), {@code assistant} (text, thinking and tool_use
 * blocks), {@code user} (tool_result blocks) and a closing {@code result}; the shapes the Agent SDK
 * parses (anthropics/claude-agent-sdk-python, {@code _internal/message_parser.py}). See
 * docs/agent-output.md for what each becomes.
 */
public final class ClaudeStreamJson extends JsonLinesOutput {

    /** Claude Code's question tool: {@code questions[]} of question, header, options[] (label, description), multiSelect. */
    static final String ASK_USER_QUESTION = "AskUserQuestion";

    private static final Set<String> FILE_TOOLS = Set.of("Edit", "MultiEdit", "Write", "NotebookEdit");

    /** The input fields that say best, in a few words, what a tool call does (Bash, Read, Grep, WebFetch, Task...). */
    private static final List<String> SUMMARY_FIELDS = List.of(
            "command", "file_path", "notebook_path", "path", "pattern", "url", "query", "description", "prompt");

    private String sessionId;
    private String model;

    @Override
    void read(String type, JsonNode line, List<AgentEvent> events) {
        switch (type) {
            case "system" -> system(line, events);
            case "assistant" -> assistant(line, events);
            case "user" -> user(line, events);
            case "result" -> result(line, events);
            // stream_event (--include-partial-messages), rate_limit_event, and whatever comes next
            default -> events.add(log(DEBUG, line.toString(), meta(line)));
        }
    }

    /**
     * The {@code --input-format stream-json} user message that hands Claude Code {@code answer} as the
     * next turn; the same envelope the Agent SDK writes to the CLI's stdin.
     */
    @Override
    public String answerLine(String answer) {
        ObjectNode line = MAPPER.createObjectNode().put("type", "user");
        ObjectNode message = line.putObject("message").put("role", "user");
        message.putArray("content").addObject().put("type", "text").put("text", answer);
        line.putNull("parent_tool_use_id");
        line.put("session_id", sessionId != null ? sessionId : "default");
        return line.toString();
    }

    private void system(JsonNode line, List<AgentEvent> events) {
        if (!"init".equals(text(line.get("subtype")))) {
            // hook_started, compact_boundary, task_progress...: there for the curious, not for the run's story
            events.add(log(DEBUG, line.toString(), meta(line)));
            return;
        }
        sessionId = text(line.get("session_id"));
        model = text(line.get("model"));
        String message = "session started: model " + (model != null ? model : "unknown");
        events.add(log(INFO, message, meta(line)));
        events.add(new Activity("agent_activity", fields("text", message, "sessionId", sessionId, "model", model)));
    }

    private void assistant(JsonNode line, List<AgentEvent> events) {
        JsonNode message = line.path("message");
        if (model == null) {
            model = text(message.get("model"));
        }
        String apiError = text(line.get("error"));
        if (apiError != null) {
            events.add(log(WARNING, "the model API reported: " + apiError, meta(line)));
        }
        JsonNode content = message.path("content");
        if (content.isTextual()) {
            agentText(content.asText(), line, events);
            return;
        }
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> agentText(text(block.get("text")), line, events);
                // the model's private working: kept for debugging, not shown as what the agent said
                case "thinking" -> events.add(log(DEBUG, "thinking: " + text(block.get("thinking")), meta(line)));
                case "tool_use" -> toolUse(block, line, events);
                default -> events.add(log(DEBUG, block.toString(), meta(line)));
            }
        }
    }

    private void agentText(String text, JsonNode line, List<AgentEvent> events) {
        if (text == null || text.isBlank()) {
            return;
        }
        events.add(log(INFO, text, meta(line)));
        events.add(new Activity("agent_activity", fields("text", truncate(text, MESSAGE_CHARS))));
    }

    private void toolUse(JsonNode block, JsonNode line, List<AgentEvent> events) {
        String id = text(block.get("id"));
        String tool = text(block.get("name"));
        if (id == null || tool == null) {
            events.add(log(DEBUG, block.toString(), meta(line)));
            return;
        }
        JsonNode input = block.path("input");
        String summary = inputSummary(input);
        events.add(log(INFO, tool + ": " + summary, meta(line)));
        events.add(startStep(id, tool, inputMap(input)));
        events.add(new Activity("tool_execution", fields("tool", tool, "id", id, "input", summary)));
        if (FILE_TOOLS.contains(tool)) {
            String path = text(input.get("file_path"));
            path = path != null ? path : text(input.get("notebook_path"));
            if (path != null) {
                events.add(new Activity("file_change", fields("path", path, "tool", tool)));
            }
        }
        if (ASK_USER_QUESTION.equals(tool)) {
            events.add(new AgentEvent.Question(questionText(input),
                    fields("toolUseId", id, "questions", plain(input.get("questions"), INPUT_STRING_CHARS))));
        }
    }

    private void user(JsonNode line, List<AgentEvent> events) {
        JsonNode content = line.path("message").path("content");
        for (JsonNode block : content) {
            if ("tool_result".equals(block.path("type").asText())) {
                toolResult(block, line, events);
            }
        }
        // otherwise the prompt echoed back (--replay-user-messages): the default DEBUG line says it
    }

    private void toolResult(JsonNode block, JsonNode line, List<AgentEvent> events) {
        String id = text(block.get("tool_use_id"));
        boolean failed = block.path("is_error").asBoolean(false);
        String output = resultText(block.get("content"));
        String tool = id != null ? openStep(id) : null;
        events.add(log(failed ? WARNING : INFO,
                (tool != null ? tool : "tool " + id) + (failed ? " failed: " : " done: ") + firstLine(output),
                meta(line)));
        if (tool != null) {
            events.add(finishStep(id, failed, truncate(output, OUTPUT_CHARS),
                    failed ? truncate(output, MESSAGE_CHARS) : null));
        }
    }

    private void result(JsonNode line, List<AgentEvent> events) {
        String subtype = text(line.get("subtype"));
        boolean error = line.path("is_error").asBoolean(false) || subtype != null && subtype.startsWith("error");
        String finalMessage = text(line.get("result"));
        if ((finalMessage == null || finalMessage.isBlank()) && line.path("errors").isArray()) {
            // error subtypes carry errors[] instead of a result
            List<String> errors = new ArrayList<>();
            line.get("errors").forEach(e -> errors.add(e.asText()));
            finalMessage = errors.isEmpty() ? subtype : String.join("; ", errors);
        }
        String session = text(line.get("session_id"));
        JsonNode usage = line.path("usage");
        Map<String, Object> metrics = fields(
                "inputTokens", number(usage.get("input_tokens")),
                "outputTokens", number(usage.get("output_tokens")),
                "cacheReadInputTokens", number(usage.get("cache_read_input_tokens")),
                "cacheCreationInputTokens", number(usage.get("cache_creation_input_tokens")),
                "costUsd", number(line.get("total_cost_usd")),
                "turns", number(line.get("num_turns")),
                "durationMs", number(line.get("duration_ms")),
                "sessionId", session != null ? session : sessionId,
                "model", model);
        events.add(log(error ? ERROR : INFO, "result " + subtype + ": " + firstLine(finalMessage), meta(line)));
        events.add(new AgentEvent.Result(finalMessage, error, metrics));
    }

    /** A few words for a tool call: its most telling input field, or the input itself, bounded. */
    private static String inputSummary(JsonNode input) {
        for (String field : SUMMARY_FIELDS) {
            String value = text(input.get(field));
            if (value != null) {
                return firstLine(value);
            }
        }
        return truncate(input.toString(), SUMMARY_CHARS);
    }

    /** A tool_result's content: a string, or a list of blocks of which the text ones are read. */
    private static String resultText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (!content.isArray()) {
            return content.isTextual() ? content.asText() : content.toString();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode block : content) {
            String text = text(block.get("text"));
            parts.add(text != null ? text : "[" + block.path("type").asText("block") + "]");
        }
        return String.join("\n", parts);
    }

    /** AskUserQuestion's questions as a person reads them: header, question, numbered options. */
    static String questionText(JsonNode input) {
        StringBuilder text = new StringBuilder();
        for (JsonNode question : input.path("questions")) {
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            String header = text(question.get("header"));
            if (header != null && !header.isBlank()) {
                text.append('[').append(header).append("] ");
            }
            text.append(Objects.requireNonNullElse(text(question.get("question")), ""));
            int number = 0;
            for (JsonNode option : question.path("options")) {
                String label = option.isTextual() ? option.asText() : text(option.get("label"));
                String description = text(option.get("description"));
                text.append("\n  ").append(++number).append(". ").append(label);
                if (description != null && !description.isBlank()) {
                    text.append(" — ").append(description);
                }
            }
            if (question.path("multiSelect").asBoolean(false)) {
                text.append("\n  (more than one may be chosen)");
            }
        }
        return text.isEmpty() ? input.toString() : text.toString();
    }

    private static Map<String, Object> meta(JsonNode line) {
        String type = line.path("type").asText();
        String subtype = text(line.get("subtype"));
        return fields("event", subtype != null ? type + "." + subtype : type,
                "parentToolUseId", text(line.get("parent_tool_use_id")));
    }
}
