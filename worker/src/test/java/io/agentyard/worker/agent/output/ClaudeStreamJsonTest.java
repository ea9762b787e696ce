package io.agentyard.worker.agent.output;

import static io.agentyard.worker.agent.output.Transcripts.lines;
import static io.agentyard.worker.agent.output.Transcripts.only;
import static io.agentyard.worker.agent.output.Transcripts.run;
import static io.agentyard.worker.agent.output.Transcripts.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.worker.agent.AgentEvent;
import io.agentyard.worker.agent.AgentEvent.Activity;
import io.agentyard.worker.agent.AgentEvent.Log;
import io.agentyard.worker.agent.AgentEvent.Question;
import io.agentyard.worker.agent.AgentEvent.Result;
import io.agentyard.worker.agent.AgentEvent.StepFinished;
import io.agentyard.worker.agent.AgentEvent.StepStarted;

class ClaudeStreamJsonTest {

    private static final String SESSION = "claude-session.jsonl";
    private static final String INIT = "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s-1\","
            + "\"model\":\"claude-opus-4-1\",\"tools\":[\"Bash\",\"AskUserQuestion\"]}";

    private final ClaudeStreamJson output = new ClaudeStreamJson();

    @Test
    void everyLineOfASessionYieldsALog() {
        for (String line : lines(SESSION)) {
            assertFalse(only(output.stdout(line), Log.class).isEmpty(), line);
        }
    }

    @Test
    void initSaysTheSessionStartedWithItsModel() {
        List<AgentEvent> events = output.stdout(INIT);

        assertEquals("session started: model claude-opus-4-1", single(events, Log.class).message());
        assertEquals(Map.of("text", "session started: model claude-opus-4-1", "sessionId", "s-1",
                "model", "claude-opus-4-1"), single(events, Activity.class).data());
    }

    @Test
    void eachToolUseOfASessionIsAStepThatFinishes() {
        List<AgentEvent> events = run(output, lines(SESSION), 0);

        assertEquals(List.of("toolu_01Read:Read", "toolu_02Edit:Edit", "toolu_03Bash:Bash", "toolu_04Write:Write",
                "toolu_05Bash:Bash"), only(events, StepStarted.class).stream().map(s -> s.key() + ":" + s.name()).toList());
        assertEquals(List.of("toolu_01Read", "toolu_02Edit", "toolu_03Bash", "toolu_04Write", "toolu_05Bash"),
                only(events, StepFinished.class).stream().map(StepFinished::key).toList());
        assertTrue(only(events, StepStarted.class).stream().allMatch(s -> s.type().equals("tool")));
    }

    @Test
    void aToolResultMarkedAsErrorFinishesItsStepFailed() {
        StepFinished bash = only(run(output, lines(SESSION), 0), StepFinished.class).get(2);

        assertTrue(bash.failed());
        assertTrue(bash.error().startsWith("FAIL test/greet.test.js"), bash.error());
    }

    @Test
    void aToolResultGivenAsBlocksIsReadAsTheirText() {
        StepFinished write = only(run(output, lines(SESSION), 0), StepFinished.class).get(3);

        assertFalse(write.failed());
        assertNull(write.error());
        assertEquals("The file /work/orders/42/test/greet.test.js has been updated.", write.output());
    }

    @Test
    void editAndWriteAreFileChanges() {
        List<Map<String, Object>> changes = only(run(output, lines(SESSION), 0), Activity.class).stream()
                .filter(a -> a.kind().equals("file_change")).map(Activity::data).toList();

        assertEquals(List.of(Map.of("path", "/work/orders/42/src/greet.js", "tool", "Edit"),
                Map.of("path", "/work/orders/42/test/greet.test.js", "tool", "Write")), changes);
    }

    @Test
    void aToolUseIsShownLiveWithItsInputInAFewWords() {
        List<AgentEvent> events = output.stdout(assistant(
                "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"Bash\",\"input\":{\"command\":\"npm test\\nnpm run lint\"}}"));

        assertEquals(Map.of("tool", "Bash", "id", "toolu_9", "input", "npm test …"), single(events, Activity.class).data());
        assertEquals(Map.of("command", "npm test\nnpm run lint"), single(events, StepStarted.class).input());
    }

    @Test
    void assistantTextIsLoggedAndShownLive() {
        List<AgentEvent> events = output.stdout(assistant("{\"type\":\"text\",\"text\":\"Looking at the tests.\"}"));

        assertEquals(new Log("INFO", "Looking at the tests.", Map.of("event", "assistant")), single(events, Log.class));
        assertEquals(new Activity("agent_activity", Map.of("text", "Looking at the tests.")), single(events, Activity.class));
    }

    @Test
    void thinkingIsLoggedForDebuggingOnly() {
        List<AgentEvent> events = output.stdout(assistant("{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"x\"}"));

        assertEquals(List.of(new Log("DEBUG", "thinking: hmm", Map.of("event", "assistant"))), events);
    }

    @Test
    void longAssistantTextIsCutToASaneLength() {
        String text = "a".repeat(10_000);

        Log log = single(output.stdout(assistant("{\"type\":\"text\",\"text\":\"" + text + "\"}")), Log.class);

        assertTrue(log.message().startsWith("a".repeat(4000) + "… [6000 more characters]"), log.message());
    }

    @Test
    void largeStringsInAToolInputAreCut() {
        String content = "x".repeat(50_000);

        StepStarted write = single(output.stdout(assistant("{\"type\":\"tool_use\",\"id\":\"toolu_w\",\"name\":\"Write\","
                + "\"input\":{\"file_path\":\"big.txt\",\"content\":\"" + content + "\"}}")), StepStarted.class);

        assertEquals("big.txt", write.input().get("file_path"));
        assertEquals("x".repeat(2000) + "… [48000 more characters]", write.input().get("content"));
    }

    @Test
    void largeToolOutputIsCutOnItsStep() {
        output.stdout(assistant("{\"type\":\"tool_use\",\"id\":\"toolu_c\",\"name\":\"Bash\",\"input\":{\"command\":\"cat log\"}}"));

        StepFinished cat = single(output.stdout(toolResult("toolu_c", "\"" + "y".repeat(20_000) + "\"", false)),
                StepFinished.class);

        assertEquals("y".repeat(8000) + "… [12000 more characters]", cat.output());
    }

    @Test
    void aSuccessfulResultCarriesTheFinalMessageAndMetrics() {
        List<AgentEvent> events = run(output, lines(SESSION), 0);

        Result result = single(events, Result.class);
        assertFalse(result.error());
        assertEquals("The greeting now reads \"Hello, <name>!\" and the test suite passes.", result.finalMessage());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("inputTokens", 33L);
        expected.put("outputTokens", 638L);
        expected.put("cacheReadInputTokens", 117449L);
        expected.put("cacheCreationInputTokens", 6475L);
        expected.put("costUsd", 0.0874215);
        expected.put("turns", 11L);
        expected.put("durationMs", 41873L);
        expected.put("sessionId", "5f0c2e7a-3b1d-4c8e-9a65-1d2f3e4a5b6c");
        expected.put("model", "claude-sonnet-4-5-20250929");
        assertEquals(expected, result.metrics());
    }

    @Test
    void anErrorResultIsAnErrorWithItsErrorsAsTheMessage() {
        output.stdout(INIT);

        List<AgentEvent> events = output.stdout("{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":true,"
                + "\"duration_ms\":90000,\"num_turns\":30,\"session_id\":\"s-1\",\"total_cost_usd\":1.5,"
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":20},\"errors\":[\"Reached maximum number of turns (30)\"]}");

        Result result = single(events, Result.class);
        assertTrue(result.error());
        assertEquals("Reached maximum number of turns (30)", result.finalMessage());
        assertEquals(30L, result.metrics().get("turns"));
        assertEquals("ERROR", single(events, Log.class).level());
    }

    @Test
    void askUserQuestionIsAQuestionWithItsOptionsAsWellAsAStep() {
        List<AgentEvent> events = output.stdout(assistant("{\"type\":\"tool_use\",\"id\":\"toolu_q\",\"name\":\"AskUserQuestion\","
                + "\"input\":{\"questions\":[{\"question\":\"Which database should the service use?\",\"header\":\"Database\","
                + "\"multiSelect\":false,\"options\":[{\"label\":\"PostgreSQL (Recommended)\",\"description\":\"Already run in prod\"},"
                + "{\"label\":\"SQLite\",\"description\":\"No server to run\"}]},"
                + "{\"question\":\"Which checks should run?\",\"header\":\"Checks\",\"multiSelect\":true,"
                + "\"options\":[{\"label\":\"Unit\",\"description\":\"\"},{\"label\":\"Lint\",\"description\":\"\"}]}]}}"));

        Question question = single(events, Question.class);
        assertEquals("""
                [Database] Which database should the service use?
                  1. PostgreSQL (Recommended) — Already run in prod
                  2. SQLite — No server to run

                [Checks] Which checks should run?
                  1. Unit
                  2. Lint
                  (more than one may be chosen)""", question.text());
        assertEquals("toolu_q", question.metadata().get("toolUseId"));
        assertEquals("AskUserQuestion", single(events, StepStarted.class).name());
    }

    @Test
    void anAnswerIsAStreamJsonUserMessageOfTheSession() throws Exception {
        output.stdout(INIT);

        JsonNode line = new ObjectMapper().readTree(output.answerLine("PostgreSQL, \"please\"\nand Unit"));

        assertEquals(new ObjectMapper().readTree("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"PostgreSQL, \\\"please\\\"\\nand Unit\"}]},"
                + "\"parent_tool_use_id\":null,\"session_id\":\"s-1\"}"), line);
    }

    @Test
    void anAnswerIsOneLine() {
        assertFalse(output.answerLine("first\nsecond").contains("\n"));
    }

    @Test
    void stepsStillOpenWhenTheAgentExitsFinishFailed() {
        output.stdout(assistant("{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"Bash\",\"input\":{\"command\":\"sleep 600\"}}"));
        output.stdout(assistant("{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"Read\",\"input\":{\"file_path\":\"x\"}}"));
        output.stdout(toolResult("toolu_b", "\"x\"", false));

        assertEquals(List.of(new StepFinished("toolu_a", true, null, "the agent exited (code 137) before the tool finished")),
                output.end(137));
    }

    @Test
    void aCompleteSessionLeavesNothingToCloseAtTheEnd() {
        lines(SESSION).forEach(output::stdout);

        assertEquals(List.of(), output.end(0));
    }

    @Test
    void aLineThatIsNotJsonIsLoggedAsItIs() {
        assertEquals(List.of(new Log("INFO", "Error: Invalid API key · Please run /login", Map.of())),
                output.stdout("Error: Invalid API key · Please run /login"));
    }

    @Test
    void aCutOffJsonLineIsLoggedAsItIs() {
        String half = "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"te";

        assertEquals(List.of(new Log("INFO", half, Map.of())), output.stdout(half));
    }

    @Test
    void jsonThatIsNotATypedObjectIsLoggedAsItIs() {
        for (String line : List.of("[1,2]", "42", "{\"no\":\"type\"}", "{\"type\":\"user\"} trailing", "")) {
            assertEquals(List.of(new Log("INFO", line, Map.of())), output.stdout(line), line);
        }
    }

    @Test
    void anUnexpectedShapeIsLoggedNotThrown() {
        List<AgentEvent> events = output.stdout("{\"type\":\"assistant\",\"message\":{\"content\":[42,{\"type\":\"tool_use\"}]}}");

        assertFalse(only(events, Log.class).isEmpty());
        assertTrue(only(events, StepStarted.class).isEmpty());
    }

    @Test
    void anUnknownTypeIsADebugLine() {
        String line = "{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"allowed\"},\"uuid\":\"u\",\"session_id\":\"s\"}";

        assertEquals(List.of(new Log("DEBUG", line, Map.of("event", "rate_limit_event"))), output.stdout(line));
    }

    @Test
    void stderrIsAWarning() {
        assertEquals(List.of(new Log("WARNING", "(node:12) ExperimentalWarning: fetch", Map.of("stream", "stderr"))),
                output.stderr("(node:12) ExperimentalWarning: fetch"));
    }

    private static String assistant(String block) {
        return "{\"type\":\"assistant\",\"message\":{\"model\":\"claude-opus-4-1\",\"role\":\"assistant\",\"content\":["
                + block + "]},\"parent_tool_use_id\":null,\"session_id\":\"s-1\"}";
    }

    private static String toolResult(String id, String content, boolean isError) {
        return "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\""
                + id + "\",\"content\":" + content + ",\"is_error\":" + isError + "}]},\"session_id\":\"s-1\"}";
    }
}
