package io.agentyard.worker.agent;

import java.util.Map;

/**
 * What the worker recognised in an agent's output: each becomes a log line, a step, a live
 * activity, a question to a person, or the run's result, reported to the control plane.
 */
public sealed interface AgentEvent {

    /** A line for the execution's logs. {@code level}: DEBUG, INFO, WARNING, ERROR or CRITICAL. */
    record Log(String level, String message, Map<String, Object> metadata) implements AgentEvent {
    }

    /**
     * A step began (a tool call, a model turn...). {@code key} ties it to its {@link StepFinished}
     * (e.g. the tool-use id); {@code type} is one of execution-service's step types: tool, llm_call,
     * decision, human_approval, code, subworkflow, other.
     */
    record StepStarted(String key, String name, String type, Map<String, Object> input) implements AgentEvent {
    }

    /** The step {@code key} ended; {@code output} is a JSON-able value (map, list, string) or null. */
    record StepFinished(String key, boolean failed, Object output, String error) implements AgentEvent {
    }

    /** Live activity for followers, not stored: {@code kind} tool_execution, file_change or agent_activity. */
    record Activity(String kind, Map<String, Object> data) implements AgentEvent {
    }

    /** The agent asks a person; the answer goes back through {@link AgentOutput#answerLine(String)}. */
    record Question(String text, Map<String, Object> metadata) implements AgentEvent {
    }

    /**
     * The agent's own account of the run: its final message, whether it says it failed, and what it
     * reports of its cost (keys such as inputTokens, outputTokens, costUsd, turns, sessionId, model).
     */
    record Result(String finalMessage, boolean error, Map<String, Object> metrics) implements AgentEvent {
    }
}
