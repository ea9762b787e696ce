package io.agentyard.agent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * A task-service that never answers: callers of POST /api/agents/{id}/tasks get a 503 problem once
 * the timeout (here 500 ms) has passed, and after repeated failures at once (circuit open).
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
@TestProfile(TaskServiceOutageTest.SilentTaskService.class)
class TaskServiceOutageTest {

    static final long TIMEOUT_MILLIS = 500;
    static final long BREAKER_DELAY_MILLIS = 60_000;

    public static class SilentTaskService implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentyard.agent.task-service.timeout-millis", String.valueOf(TIMEOUT_MILLIS),
                    "agentyard.agent.task-service.breaker-delay-millis", String.valueOf(BREAKER_DELAY_MILLIS));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SilentServer.class));
        }
    }

    @Inject
    CircuitBreakerMaintenance breakers;

    final String owner = TestTokens.developer(UUID.randomUUID());
    String agentId;

    @BeforeEach
    void anAgentAndAClosedCircuit() {
        breakers.resetAll();
        agentId = given().contentType(ContentType.JSON).auth().oauth2(owner)
                .body(Map.of("name", "Agent " + UUID.randomUUID().toString().substring(0, 8),
                        "category", "testing", "agentType", "automation"))
                .post("/api/agents").then().statusCode(201).extract().path("id");
    }

    ValidatableResponse file() {
        return given().contentType(ContentType.JSON).auth().oauth2(owner)
                .body(Map.of("title", "Anyone there?", "taskType", "test", "permissionLevel", "autonomous"))
                .post("/api/agents/" + agentId + "/tasks").then();
    }

    @Test
    void aTaskServiceThatDoesNotAnswerGivesA503AfterTheTimeoutNotAHang() {
        long started = System.nanoTime();
        file().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", is("1"))
                .body("status", is(503))
                .body("detail", containsString("did not answer within " + TIMEOUT_MILLIS + " ms"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.toMillis() >= TIMEOUT_MILLIS - 50 && took.toMillis() < TIMEOUT_MILLIS + 1500,
                "answered after " + took.toMillis() + " ms");
    }

    @Test
    void repeatedFailuresOpenTheCircuitAndThenCallersGetA503AtOnce() {
        for (int i = 0; i < 4; i++) {
            file().statusCode(503).body("detail", containsString("did not answer"));
        }
        long started = System.nanoTime();
        file().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", is(String.valueOf(BREAKER_DELAY_MILLIS / 1000)))
                .body("detail", containsString("failed repeatedly"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.toMillis() < TIMEOUT_MILLIS, "an open circuit answers without calling, took "
                + took.toMillis() + " ms");
    }
}
