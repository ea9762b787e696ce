package io.agentyard.worker.agent.output;

import static io.agentyard.worker.agent.output.Transcripts.lines;
import static io.agentyard.worker.agent.output.Transcripts.only;
import static io.agentyard.worker.agent.output.Transcripts.run;
import static io.agentyard.worker.agent.output.Transcripts.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agentyard.worker.agent.AgentEvent;
import io.agentyard.worker.agent.AgentEvent.Activity;
import io.agentyard.worker.agent.AgentEvent.Log;
import io.agentyard.worker.agent.AgentEvent.Result;
import io.agentyard.worker.agent.AgentEvent.StepFinished;
import io.agentyard.worker.agent.AgentEvent.StepStarted;

class CodexJsonTest {

    private static final String SESSION = "codex-session.jsonl";

    private final CodexJson output = new CodexJson();

    @Test
    void everyLineOfASessionYieldsALog() {
        for (String line : lines(SESSION)) {
            assertFalse(only(output.stdout(line), Log.class).isEmpty(), line);
        }
    }

    @Test
    void commandsAndMcpCallsAreStepsFromStartToCompletion() {
        List<AgentEvent> events = run(output, lines(SESSION), 0);

        assertEquals(List.of("item_1:command", "item_4:command", "item_5:mcp__docs__search", "item_6:command"),
                only(events, StepStarted.class).stream().map(s -> s.key() + ":" + s.name()).toList());
        assertEquals(List.of("item_1", "item_4", "item_5", "item_6"),
                only(events, StepFinished.class).stream().map(StepFinished::key).toList());
    }

    @Test
    void aCommandStepCarriesItsCommandAndOutput() {
        List<AgentEvent> events = run(output, lines(SESSION), 0);

        assertEquals(Map.of("command", "bash -lc 'rg -n greet src'"), only(events, StepStarted.class).get(0).input());
        assertEquals(new StepFinished("item_1", false, Map.of("exitCode", 0L, "output",
                "src/greet.js:1:function greet(name) {\nsrc/greet.js:5:module.exports = { greet };\n"), null),
                only(events, StepFinished.class).get(0));
    }

    @Test
    void aCommandThatExitsNonZeroFinishesFailed() {
        StepFinished npmTest = only(run(output, lines(SESSION), 0), StepFinished.class).get(1);

        assertTrue(npmTest.failed());
        assertEquals("exit code 1", npmTest.error());
    }

    @Test
    void anItemOnlySeenCompletedStartsAndFinishesAtOnce() {
        List<AgentEvent> events = output.stdout("{\"type\":\"item.completed\",\"item\":{\"id\":\"item_9\","
                + "\"type\":\"command_execution\",\"command\":\"ls\",\"aggregated_output\":\"a\\n\",\"exit_code\":0,\"status\":\"completed\"}}");

        assertEquals("item_9", single(events, StepStarted.class).key());
        assertEquals("item_9", single(events, StepFinished.class).key());
        assertEquals(List.of(), output.end(0));
    }

    @Test
    void aFailedMcpCallFinishesWithItsError() {
        output.stdout("{\"type\":\"item.started\",\"item\":{\"id\":\"item_3\",\"type\":\"mcp_tool_call\",\"server\":\"github\","
                + "\"tool\":\"create_issue\",\"arguments\":{\"title\":\"x\"},\"result\":null,\"error\":null,\"status\":\"in_progress\"}}");

        StepFinished call = single(output.stdout("{\"type\":\"item.completed\",\"item\":{\"id\":\"item_3\",\"type\":\"mcp_tool_call\","
                + "\"server\":\"github\",\"tool\":\"create_issue\",\"arguments\":{\"title\":\"x\"},\"result\":null,"
                + "\"error\":{\"message\":\"403 Forbidden\"},\"status\":\"failed\"}}"), StepFinished.class);

        assertEquals(new StepFinished("item_3", true, null, "403 Forbidden"), call);
    }

    @Test
    void aFileChangeIsAnActivityPerPath() {
        List<Map<String, Object>> changes = only(run(output, lines(SESSION), 0), Activity.class).stream()
                .filter(a -> a.kind().equals("file_change")).map(Activity::data).toList();

        assertEquals(List.of(Map.of("path", "/work/orders/42/src/greet.js", "kind", "update"),
                Map.of("path", "/work/orders/42/CHANGELOG.md", "kind", "add")), changes);
    }

    @Test
    void aFailedFileChangeChangedNothing() {
        List<AgentEvent> events = output.stdout("{\"type\":\"item.completed\",\"item\":{\"id\":\"item_2\",\"type\":\"file_change\","
                + "\"changes\":[{\"path\":\"a.txt\",\"kind\":\"update\"}],\"status\":\"failed\"}}");

        assertEquals(List.of(new Log("WARNING", "file changes failed: update a.txt",
                Map.of("event", "item.completed", "item", "file_change"))), events);
    }

    @Test
    void anAgentMessageIsLoggedAndShownLive() {
        List<AgentEvent> events = output.stdout(
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_7\",\"type\":\"agent_message\",\"text\":\"Done.\"}}");

        assertEquals("Done.", single(events, Log.class).message());
        assertEquals(Map.of("text", "Done."), single(events, Activity.class).data());
    }

    @Test
    void theTodoListIsLoggedAsAPlan() {
        Log plan = single(output.stdout("{\"type\":\"item.updated\",\"item\":{\"id\":\"item_2\",\"type\":\"todo_list\","
                + "\"items\":[{\"text\":\"Change the greeting\",\"completed\":true},{\"text\":\"Run the tests\",\"completed\":false}]}}"),
                Log.class);

        assertEquals("plan: [x] Change the greeting; [ ] Run the tests", plan.message());
    }

    @Test
    void aCompletedTurnEndsInAResultWithTheLastMessageAndTokens() {
        Result result = single(run(output, lines(SESSION), 0), Result.class);

        assertEquals(new Result("The greeting now reads \"Hello, <name>!\" and the tests pass.", false, Map.of(
                "inputTokens", 24763L, "cacheReadInputTokens", 24448L, "outputTokens", 122L, "turns", 1L,
                "sessionId", "0199a213-81c0-7800-8aa1-bbab2a035a53")), result);
    }

    @Test
    void theLatestTurnsUsageStandsForTheRunNotASum() {
        output.stdout("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":100,\"cached_input_tokens\":0,\"output_tokens\":10}}");
        output.stdout("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":250,\"cached_input_tokens\":90,\"output_tokens\":30}}");

        Result result = single(output.end(0), Result.class);

        assertEquals(250L, result.metrics().get("inputTokens"));
        assertEquals(2L, result.metrics().get("turns"));
    }

    @Test
    void aFailedTurnIsAnErrorResult() {
        output.stdout("{\"type\":\"thread.started\",\"thread_id\":\"t-1\"}");
        Log log = single(output.stdout("{\"type\":\"turn.failed\",\"error\":{\"message\":\"stream disconnected before completion\"}}"),
                Log.class);

        Result result = single(output.end(1), Result.class);

        assertEquals("ERROR", log.level());
        assertEquals(new Result("stream disconnected before completion", true, Map.of("turns", 1L, "sessionId", "t-1")), result);
    }

    @Test
    void anErrorEventWithoutACompletedTurnIsAnErrorResult() {
        output.stdout("{\"type\":\"error\",\"message\":\"unexpected status 401 Unauthorized\"}");

        Result result = single(output.end(1), Result.class);

        assertTrue(result.error());
        assertEquals("unexpected status 401 Unauthorized", result.finalMessage());
    }

    @Test
    void anErrorEventFollowedByACompletedTurnIsNoFailure() {
        output.stdout("{\"type\":\"error\",\"message\":\"Reconnecting... 1/5\"}");
        output.stdout("{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"agent_message\",\"text\":\"ok\"}}");
        output.stdout("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"cached_input_tokens\":0,\"output_tokens\":1}}");

        Result result = single(output.end(0), Result.class);

        assertFalse(result.error());
        assertEquals("ok", result.finalMessage());
    }

    @Test
    void withoutAnyTurnThereIsNoResult() {
        output.stdout("{\"type\":\"thread.started\",\"thread_id\":\"t-1\"}");
        output.stdout("{\"type\":\"turn.started\"}");

        assertEquals(List.of(), output.end(130));
    }

    @Test
    void aCommandStillRunningWhenCodexExitsFinishesFailed() {
        output.stdout("{\"type\":\"item.started\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\","
                + "\"command\":\"sleep 600\",\"aggregated_output\":\"\",\"exit_code\":null,\"status\":\"in_progress\"}}");

        assertEquals(List.of(new StepFinished("item_1", true, null, "the agent exited (code 143) before the tool finished")),
                output.end(143));
    }

    @Test
    void largeCommandOutputIsCutOnItsStep() {
        StepFinished cat = single(output.stdout("{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\","
                + "\"command\":\"cat big\",\"aggregated_output\":\"" + "z".repeat(9000) + "\",\"exit_code\":0,\"status\":\"completed\"}}"),
                StepFinished.class);

        assertEquals("z".repeat(8000) + "… [1000 more characters]", ((Map<?, ?>) cat.output()).get("output"));
    }

    @Test
    void codexTakesNoAnswers() {
        assertNull(output.answerLine("yes"));
    }

    @Test
    void aLineThatIsNotJsonIsLoggedAsItIs() {
        assertEquals(List.of(new Log("INFO", "Reading prompt from stdin...", Map.of())), output.stdout("Reading prompt from stdin..."));
    }

    @Test
    void anUnknownEventIsADebugLine() {
        String line = "{\"type\":\"item.plan.delta\",\"item_id\":\"item_3\",\"delta\":\"1. \"}";

        assertEquals(List.of(new Log("DEBUG", line, Map.of("event", "item.plan.delta"))), output.stdout(line));
    }
}
