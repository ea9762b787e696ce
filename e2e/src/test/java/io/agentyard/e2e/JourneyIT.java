package io.agentyard.e2e;

import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.agentyard.e2e.Journey.Person;
import io.agentyard.e2e.Journey.Worker;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.worker.testing.Suite;
import io.restassured.path.json.JsonPath;

/**
 * Journeys through the whole suite as people live them: every service and a worker running as real
 * processes, driven through the public API only. Each journey makes its own people, agent, project
 * and worker (its own task type, so journeys never take each other's work).
 */
class JourneyIT {

    @TempDir
    static Path temp;
    static Suite suite;

    @BeforeAll
    static void startTheSuite() {
        suite = Suite.get();
    }

    @Test
    void aDeveloperFilesDependentTasksAndFollowsThemToTheirResultsWhileNobodyElseSeesThem() throws Exception {
        try (Journey journey = new Journey(suite, temp)) {
            String identity = suite.identity.url();
            String agents = suite.agents.url();
            String tasks = suite.tasks.url();
            String executions = suite.executions.url();
            String chat = suite.chat.url();

            // 1. Ada and Bob register and sign in; the admin signs in with the first admin's password
            Person ada = journey.register("ada");
            Person bob = journey.register("bob");
            Person admin = journey.admin();
            ada.api().get(identity + "/api/auth/profile").then().statusCode(200)
                    .body("username", is(ada.username())).body("role", is("developer"));

            // 2. Ada makes a project, an agent and a workflow
            String project = journey.create(ada, tasks + "/api/projects",
                    Map.of("name", "billing-" + journey.tag, "language", "java"));
            String agent = journey.create(ada, agents + "/api/agents", Map.of("name", "planner-" + journey.tag,
                    "category", "analysis", "agentType", "automation"));
            String workflow = journey.create(ada, agents + "/api/workflows", Map.of("name", "plan-then-build-" + journey.tag,
                    "definition", Map.of("entry", "plan",
                            "nodes", List.of(Map.of("id", "plan", "type", "llm_call"),
                                    Map.of("id", "decide", "type", "human_approval"), Map.of("id", "done", "type", "end")),
                            "edges", List.of(Map.of("from", "plan", "to", "decide"), Map.of("from", "decide", "to", "done")))));

            // 3. the admin enrols a worker machine: it registers itself and heartbeats
            Worker worker = journey.enrollWorker(admin, "feature");
            Eventually.await(Journey.PATIENCE, "the worker is idle", () -> "idle".equals(admin.api()
                    .get(agents + "/api/workers/" + worker.id()).then().statusCode(200).extract().path("status")));

            // 4. Ada files "design" for her agent, and "build", which waits for it
            Map<String, Object> design = Journey.task("design " + journey.tag, "journey", "feature");
            design.putAll(Map.of("projectId", project, "workflowId", workflow, "input", Map.of("goal", "pick a database")));
            String designId = journey.create(ada, agents + "/api/agents/" + agent + "/tasks", design);
            Map<String, Object> build = Journey.task("build " + journey.tag, "edit", "feature");
            build.putAll(Map.of("projectId", project, "agentId", agent, "workflowId", workflow,
                    "dependsOn", List.of(Map.of("taskId", designId))));
            String buildId = journey.create(ada, tasks + "/api/tasks", build);
            assertEquals("pending", journey.task(ada, buildId).getString("status"));

            // 5. the worker claims "design", reports a step and its lines, and asks Ada: the task waits for her
            journey.awaitTask(ada, designId, "blocked on its question", task -> "blocked".equals(task.getString("status"))
                    && "question".equals(task.getString("blockedReason")));
            String conversation = journey.conversationOf(ada, designId);
            JsonPath asked = journey.messages(ada, conversation);
            assertEquals(List.of("question"), asked.getList("items.messageType"));
            assertEquals("Which database should I use?", asked.getString("items[0].content"));
            assertEquals("worker", asked.getString("items[0].senderType"));
            assertEquals(worker.id(), asked.getString("items[0].senderId"));
            String question = asked.getString("items[0].id");
            JsonPath running = journey.executions(ada, designId);
            assertEquals(List.of("running"), running.getList("items.status"));
            String execution = running.getString("items[0].id");
            Eventually.await(Journey.PATIENCE, "the first step and lines", () -> journey.logs(ada, execution)
                    .getList("items.message").contains("journey 2: I need a decision before I go on")
                    && journey.steps(ada, execution).getList("status").equals(List.of("completed")));
            assertFalse(journey.logs(ada, execution).getList("items.message").contains("journey 3: the answer was PostgreSQL"));
            // "build" waits behind "design": pending, never dispatched
            assertEquals("pending", journey.task(ada, buildId).getString("status"));
            assertEquals(List.of(), journey.executions(ada, buildId).getList("items"));

            // 6. Ada answers: "design" completes, and only then is "build" dispatched, claimed and completed
            String response = journey.answer(ada, conversation, question, "PostgreSQL");
            journey.awaitStatus(ada, designId, "completed");
            journey.awaitStatus(ada, buildId, "completed");

            // 7. Ada reads what happened: the execution, its steps, its logs, the conversation
            JsonPath done = journey.endedExecution(ada, designId, "completed");
            assertEquals(execution, done.getString("id"));
            assertEquals(ada.id(), done.getString("ownerId"));
            assertEquals(worker.id(), done.getString("workerId"));
            assertEquals(agent, done.getString("agentId"));
            assertEquals(workflow, done.getString("workflowId"));
            assertEquals("pick a database", done.getString("inputData.goal"));
            assertEquals(0, done.getInt("exitCode"));
            assertEquals("Decided on PostgreSQL", done.getString("outputData.finalMessage"));
            assertEquals(List.of("decision.txt"), done.getList("outputData.changedFiles"));
            JsonPath steps = journey.steps(ada, execution);
            assertEquals(List.of("Read", "Write"), steps.getList("name"));
            assertEquals(List.of(1, 2), steps.getList("position"));
            assertEquals(List.of("completed", "completed"), steps.getList("status"));
            JsonPath logs = journey.logs(ada, execution);
            Journey.assertJourneyLogs(logs);
            assertEquals(logs.getList("items").size(), done.getInt("logCount"));
            assertEquals(2, done.getInt("stepCount"));
            JsonPath talk = journey.messages(ada, conversation);
            assertEquals(List.of(question, response), talk.getList("items.id"));
            assertEquals(List.of("worker", "user"), talk.getList("items.senderType"));
            assertEquals(ada.id(), talk.getString("items[1].senderId"));
            assertEquals(question, talk.getString("items[1].parentMessageId"));
            assertEquals(response, talk.getString("items[0].answerId"));
            JsonPath built = journey.endedExecution(ada, buildId, "completed");
            assertEquals("Wrote standin.txt", built.getString("outputData.finalMessage"));
            assertTrue(Instant.parse(built.getString("startedAt")).isAfter(Instant.parse(done.getString("completedAt"))),
                    () -> "build started " + built.getString("startedAt") + ", design completed " + done.getString("completedAt"));
            ada.api().queryParam("projectId", project).get(tasks + "/api/tasks").then().statusCode(200).body("total", is(2));
            ada.api().get(executions + "/api/agents/" + agent + "/executions").then().statusCode(200).body("items.size()", is(2));
            ada.api().get(executions + "/api/workflows/" + workflow + "/executions").then().statusCode(200)
                    .body("items.size()", is(2));

            // 8. Bob, another developer, sees none of it, and cannot speak in Ada's conversation
            for (String url : List.of(tasks + "/api/projects/" + project, tasks + "/api/tasks/" + designId,
                    tasks + "/api/tasks/" + buildId, tasks + "/api/tasks/" + buildId + "/dependencies",
                    agents + "/api/agents/" + agent, agents + "/api/workflows/" + workflow,
                    executions + "/api/executions/" + execution, executions + "/api/executions/" + execution + "/logs",
                    executions + "/api/executions/" + execution + "/steps",
                    executions + "/api/executions/" + built.getString("id"),
                    chat + "/api/conversations/" + conversation, chat + "/api/conversations/" + conversation + "/messages",
                    chat + "/api/conversations/" + conversation + "/messages/" + question)) {
                bob.api().get(url).then().statusCode(404);
            }
            bob.api().queryParam("projectId", project).get(tasks + "/api/tasks").then().statusCode(200).body("total", is(0));
            bob.api().get(tasks + "/api/tasks").then().statusCode(200).body("total", is(0));
            bob.api().queryParam("taskId", designId).get(executions + "/api/executions").then().statusCode(200)
                    .body("items", empty());
            bob.api().get(executions + "/api/workflows/" + workflow + "/executions").then().statusCode(200)
                    .body("items", empty());
            bob.api().queryParam("taskId", designId).get(chat + "/api/conversations").then().statusCode(200)
                    .body("items", empty());
            bob.api().body(Map.of("content", "I'd pick SQLite")).post(chat + "/api/conversations/" + conversation + "/messages")
                    .then().statusCode(404);
            assertEquals(2, journey.messages(ada, conversation).getList("items").size());
            // the admin sees everything
            admin.api().get(executions + "/api/executions/" + execution).then().statusCode(200);
            admin.api().get(tasks + "/api/tasks/" + designId).then().statusCode(200);
        }
    }
    @Test
    void taskServiceAndExecutionServiceCrashMidJourneyAndComeBackWithNothingLost() throws Exception {
        try (Journey journey = new Journey(suite, temp)) {
            Person ada = journey.register("ada");
            Worker worker = journey.enrollWorker(journey.admin(), "bugfix");
            String design = journey.create(ada, suite.tasks.url() + "/api/tasks",
                    Journey.task("design " + journey.tag, "journey", "bugfix"));
            Map<String, Object> dependent = Journey.task("build " + journey.tag, "edit", "bugfix");
            dependent.put("dependsOn", List.of(Map.of("taskId", design)));
            String build = journey.create(ada, suite.tasks.url() + "/api/tasks", dependent);

            // the worker has claimed "design", reported a step and lines, and waits for Ada's answer
            journey.awaitTask(ada, design, "blocked on its question", task -> "blocked".equals(task.getString("status")));
            String conversation = journey.conversationOf(ada, design);
            String question = journey.messages(ada, conversation).getString("items[0].id");
            String execution = journey.executions(ada, design).getString("items[0].id");
            Eventually.await(Journey.PATIENCE, "the first step", () -> journey.steps(ada, execution).getList("status")
                    .equals(List.of("completed")));

            // task-service and execution-service crash
            suite.tasks.kill();
            suite.executions.kill();
            String response;
            try {
                // Ada answers meanwhile: chat-service takes it; the event waits in its stream for task-service
                response = journey.answer(ada, conversation, question, "PostgreSQL");
                // task-service comes back: it takes the answer and the worker gets it; the agent goes on,
                // writes the rest of its lines and its second step, and exits, while execution-service is
                // still down, and stays down a while longer than the worker's few quick retries
                suite.tasks.start();
                journey.awaitAgentDone(design);
                Thread.sleep(8000);
            } finally {
                suite.tasks.start();
                suite.executions.start();
            }

            // execution-service comes back: the rest of the run reaches it, and "build" goes through
            journey.awaitStatus(ada, build, "completed");
            JsonPath done = journey.endedExecution(ada, design, "completed"); // one execution: never retried
            assertEquals(execution, done.getString("id"));
            assertEquals(1, done.getInt("attempt"));
            assertEquals(worker.id(), done.getString("workerId"));
            assertEquals("Decided on PostgreSQL", done.getString("outputData.finalMessage"));
            Eventually.await(Journey.PATIENCE, "every line and step of the run", () ->
                    journey.logs(ada, execution).getList("items.message").contains("agentyard-worker: the agent exited with code 0")
                            && journey.steps(ada, execution).getList("status").size() == 2);
            Journey.assertJourneyLogs(journey.logs(ada, execution));
            JsonPath steps = journey.steps(ada, execution);
            assertEquals(List.of("Read", "Write"), steps.getList("name"));
            assertEquals(List.of("completed", "completed"), steps.getList("status"));
            JsonPath talk = journey.messages(ada, conversation);
            assertEquals(List.of(question, response), talk.getList("items.id"));
            assertEquals(response, talk.getString("items[0].answerId"));
            assertEquals("completed", journey.task(ada, design).getString("status"));
            JsonPath built = journey.endedExecution(ada, build, "completed");
            assertEquals("Wrote standin.txt", built.getString("outputData.finalMessage"));
            assertTrue(journey.logs(ada, built.getString("id")).getList("items.message")
                    .contains("agentyard-worker: the agent exited with code 0"));
        }
    }
}
