package io.agentyard.worker.agent.output;

import static io.agentyard.worker.agent.output.OutputSupport.DEBUG;
import static io.agentyard.worker.agent.output.OutputSupport.INFO;
import static io.agentyard.worker.agent.output.OutputSupport.WARNING;
import static io.agentyard.worker.agent.output.OutputSupport.log;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.worker.agent.AgentEvent;
import io.agentyard.worker.agent.AgentOutput;

/**
 * A CLI that writes one JSON object with a {@code "type"} per stdout line. Lines that are not such an
 * object (a banner, a stack trace, half a line) are logged as they are; a line whose shape surprises
 * a reader is logged too, never thrown: a reader must not stop a run. Keeps the tool steps that are
 * open, so that {@link #end} can close what the agent left running.
 */
abstract class JsonLinesOutput implements AgentOutput {

    // One line is one value: trailing text after it means the line is not what we think it is.
    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Map<String, String> openSteps = new LinkedHashMap<>();

    /** Adds to {@code events} what one JSON line of {@code type} means; at least one Log. */
    abstract void read(String type, JsonNode line, List<AgentEvent> events);

    /** Adds what the format says once the process has ended, after the open steps are closed. */
    void finish(int exitCode, List<AgentEvent> events) {
    }

    @Override
    public final List<AgentEvent> stdout(String line) {
        JsonNode node = parse(line);
        if (node == null || !node.path("type").isTextual()) {
            return List.of(log(INFO, line, Map.of()));
        }
        List<AgentEvent> events = new ArrayList<>();
        try {
            read(node.get("type").asText(), node, events);
        } catch (RuntimeException e) {
            return List.of(log(INFO, line, Map.of()),
                    log(WARNING, "could not read that line: " + e, Map.of()));
        }
        if (events.stream().noneMatch(AgentEvent.Log.class::isInstance)) {
            events.add(0, log(DEBUG, line, Map.of()));
        }
        return events;
    }

    @Override
    public List<AgentEvent> stderr(String line) {
        return List.of(log(WARNING, line, Map.of("stream", "stderr")));
    }

    @Override
    public final List<AgentEvent> end(int exitCode) {
        List<AgentEvent> events = new ArrayList<>();
        for (String key : List.copyOf(openSteps.keySet())) {
            events.add(finishStep(key, true, null,
                    "the agent exited (code " + exitCode + ") before the tool finished"));
        }
        finish(exitCode, events);
        return events;
    }

    final AgentEvent.StepStarted startStep(String key, String name, Map<String, Object> input) {
        openSteps.put(key, name);
        return new AgentEvent.StepStarted(key, name, "tool", input);
    }

    final AgentEvent.StepFinished finishStep(String key, boolean failed, Object output, String error) {
        openSteps.remove(key);
        return new AgentEvent.StepFinished(key, failed, output, error);
    }

    /** The name the open step {@code key} started with, or null when no such step is open. */
    final String openStep(String key) {
        return openSteps.get(key);
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode node = MAPPER.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
