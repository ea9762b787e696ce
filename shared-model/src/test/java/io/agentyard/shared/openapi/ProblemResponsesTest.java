package io.agentyard.shared.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.problem.Problem;

/** Not a @QuarkusTest: the documented problem is a hand-built schema, and must not drift from the record. */
class ProblemResponsesTest {

    @Test
    void theProblemSchemaNamesEveryFieldOfTheRecord() {
        assertEquals(names(Problem.class.getRecordComponents()),
                List.copyOf(ProblemResponses.problemSchema().getProperties().keySet()));
    }

    @Test
    void theFieldErrorSchemaNamesEveryFieldOfTheRecord() {
        assertEquals(names(Problem.FieldError.class.getRecordComponents()),
                List.copyOf(ProblemResponses.fieldErrorSchema().getProperties().keySet()));
    }

    private static List<String> names(RecordComponent[] components) {
        return Arrays.stream(components).map(RecordComponent::getName).toList();
    }
}
