package io.agentyard.worker.agent.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agentyard.worker.agent.AgentEvent.Log;
import io.agentyard.worker.agent.AgentEvent.Question;

class PlainTextTest {

    private final PlainText output = new PlainText();

    @Test
    void aLineIsAnInfoLogAsItIs() {
        assertEquals(List.of(new Log("INFO", "  compiling 12 files", Map.of())), output.stdout("  compiling 12 files"));
    }

    @Test
    void aLineStartingWithErrorOrFatalIsAnError() {
        for (String line : List.of("error: cannot find symbol", "ERROR in ./src/app.ts", "Fatal: not a git repository", "  error[E0425]: x")) {
            assertEquals("ERROR", level(line), line);
        }
    }

    @Test
    void aLineStartingWithWarnIsAWarning() {
        for (String line : List.of("warning: unused variable", "WARN deprecated request@2.88.2")) {
            assertEquals("WARNING", level(line), line);
        }
    }

    @Test
    void errorInsideALineDoesNotMakeItAnError() {
        assertEquals("INFO", level("0 errors, 0 warnings"));
    }

    @Test
    void stderrIsAWarning() {
        assertEquals(List.of(new Log("WARNING", "npm notice New major version", Map.of("stream", "stderr"))),
                output.stderr("npm notice New major version"));
    }

    @Test
    void aQuestionLineAsksAPersonAndIsLogged() {
        String line = "AGENTYARD_QUESTION: Deploy to staging or production?";

        assertEquals(List.of(new Log("INFO", line, Map.of()), new Question("Deploy to staging or production?", Map.of())),
                output.stdout(line));
    }

    @Test
    void anAnswerIsOneLine() {
        assertEquals("staging, then production  if it holds", output.answerLine("staging,\nthen production\r\n\rif it holds"));
    }

    @Test
    void aLongLineIsCutToASaneLength() {
        assertEquals("q".repeat(4000) + "… [1000 more characters]", ((Log) output.stdout("q".repeat(5000)).get(0)).message());
    }

    @Test
    void theEndAddsNothing() {
        output.stdout("done");

        assertEquals(List.of(), output.end(1));
    }

    private String level(String line) {
        return ((Log) output.stdout(line).get(0)).level();
    }
}
