package io.agentyard.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.worker.testing.Suite;
import io.agentyard.worker.testing.WorkerProcess;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * One journey's world on a running suite, through the public API only: people who register and sign
 * in as anyone would, an admin who signs in with the first admin's password, workers enrolled with
 * tokens the admin creates, and the reads a person makes to follow their work. Names carry the
 * journey's own tag, so journeys on one suite never meet; {@link #close()} stops its workers.
 */
final class Journey implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final String PASSWORD = "Journey-pass-42";

    /** A person signed in: their id, name and access token. */
    record Person(String id, String username, String token) {

        /** A request with the person's token. */
        RequestSpecification api() {
            return given().auth().oauth2(token).contentType(ContentType.JSON);
        }
    }

    final Suite suite;
    final String tag = UUID.randomUUID().toString().substring(0, 8);
    private final Path temp;
    private final Path standin;
    private final List<WorkerProcess> workers = new ArrayList<>();

    Journey(Suite suite, Path temp) {
        this.suite = suite;
        this.temp = temp;
        this.standin = WorkerProcess.standinAgent(temp);
    }

    /** The same people and workers on another suite (one serving a restored database). */
    Journey on(Suite other) {
        return new Journey(other, temp, standin);
    }

    private Journey(Suite suite, Path temp, Path standin) {
        this.suite = suite;
        this.temp = temp;
        this.standin = standin;
    }

    // --- people -----------------------------------------------------------------------------------

    /** Registers {@code name} (made unique) as a developer and signs them in. */
    Person register(String name) {
        String username = name + "-" + tag;
        given().contentType(ContentType.JSON).body(Map.of("username", username, "email", username + "@example.com",
                        "password", PASSWORD, "fullName", name))
                .post(suite.identity.url() + "/api/auth/register").then().statusCode(201);
        return signIn(username, PASSWORD);
    }

    Person signIn(String username, String password) {
        JsonPath session = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post(suite.identity.url() + "/api/auth/login").then().statusCode(200).extract().jsonPath();
        return new Person(session.getString("user.id"), username, session.getString("accessToken"));
    }

    Person admin() {
        return signIn(Suite.ADMIN_USERNAME, suite.adminPassword());
    }

    // --- workers ----------------------------------------------------------------------------------

    /**
     * A worker machine for one task type: the admin creates an enrollment token, the worker registers
     * itself with it (the stand-in agent as its agent) and runs. Its id is returned with it.
     */
    record Worker(String id, String name, WorkerProcess process) {
    }

    Worker enrollWorker(Person admin, String taskType) {
        String token = admin.api().body(Map.of("name", "e2e-" + taskType + "-" + tag))
                .post(suite.identity.url() + "/api/enrollment-tokens").then().statusCode(201).extract().path("token");
        String name = "e2e-" + taskType + "-" + tag;
        WorkerProcess process = new WorkerProcess(temp.resolve("worker-" + name), name, workerEnv());
        assertEquals(0, process.call("register", "--name", name, "--type", taskType, "--enrollment-token", token,
                "--max-concurrent", "2", "--command", "bash " + standin + " {promptFile}",
                "--format", "claude-stream-json"), process::output);
        String id = JsonPath.from(process.home.resolve("config.json").toFile()).getString("workerId");
        return new Worker(id, name, run(process));
    }

    /**
     * A worker registered (with an enrollment token, by the worker's own {@code register}) but not
     * run: the test plays it through the API, with {@link Suite#token} for its identity. Its id.
     */
    String registerWorker(Person admin, String taskType, int maxConcurrent) {
        String token = admin.api().body(Map.of("name", "e2e-api-" + taskType + "-" + tag))
                .post(suite.identity.url() + "/api/enrollment-tokens").then().statusCode(201).extract().path("token");
        String name = "e2e-api-" + taskType + "-" + tag;
        WorkerProcess process = new WorkerProcess(temp.resolve("worker-" + name), name, workerEnv());
        assertEquals(0, process.call("register", "--name", name, "--type", taskType, "--enrollment-token", token,
                "--max-concurrent", String.valueOf(maxConcurrent), "--command", "true"), process::output);
        return JsonPath.from(process.home.resolve("config.json").toFile()).getString("workerId");
    }

    /** Runs {@code worker}'s registration (its home) against this journey's suite. */
    WorkerProcess runAgain(Worker worker) {
        return run(new WorkerProcess(worker.process().home, worker.name() + "-again", workerEnv()));
    }

    /** The suite's URLs, and where the stand-in agent leaves its marks. */
    private Map<String, String> workerEnv() {
        Map<String, String> env = new HashMap<>(suite.workerEnv());
        env.put("AGENTYARD_STANDIN_DIR", temp.toString());
        return env;
    }

    /** The stand-in agent has said everything of its "journey" run of {@code task} and exited. */
    void awaitAgentDone(String task) {
        Eventually.await(PATIENCE, "the agent of " + task + " is done", () -> Files.exists(temp.resolve(task + ".done")));
    }

    private WorkerProcess run(WorkerProcess process) {
        workers.add(process.start("run", "--grace", "PT5S"));
        Eventually.await(PATIENCE, "the worker serves", () -> process.output().contains("serving"));
        return process;
    }

    /** Stops this journey's workers (SIGTERM, as a machine shuts down). */
    @Override
    public void close() throws InterruptedException {
        for (WorkerProcess worker : workers) {
            worker.terminate();
        }
        for (WorkerProcess worker : workers) {
            worker.exitWithin(Duration.ofSeconds(20));
            worker.kill();
        }
    }

    // --- what people do -----------------------------------------------------------------------------

    String create(Person who, String url, Map<String, Object> body) {
        return who.api().body(body).post(url).then().statusCode(201).extract().path("id");
    }

    /** A task as task-service takes it ({@code POST /api/tasks}); the stand-in plays {@code scenario}. */
    static Map<String, Object> task(String title, String scenario, String taskType) {
        Map<String, Object> body = new HashMap<>();
        body.put("title", title);
        body.put("description", "SCENARIO: " + scenario);
        body.put("taskType", taskType);
        body.put("permissionLevel", "autonomous");
        return body;
    }

    JsonPath task(Person who, String id) {
        return who.api().get(suite.tasks.url() + "/api/tasks/" + id).then().statusCode(200).extract().jsonPath();
    }

    void awaitStatus(Person who, String task, String status) {
        awaitTask(who, task, "status " + status, json -> status.equals(json.getString("status")));
    }

    void awaitTask(Person who, String task, String what, Predicate<JsonPath> condition) {
        Eventually.await(PATIENCE, "task " + task + ": " + what, () -> condition.test(
                who.api().get(suite.tasks.url() + "/api/tasks/" + task).then().extract().jsonPath()));
    }

    /** The task's executions, newest first. */
    JsonPath executions(Person who, String task) {
        return who.api().queryParam("taskId", task).get(suite.executions.url() + "/api/executions").then()
                .statusCode(200).extract().jsonPath();
    }

    /** The task's only execution, once it has ended as {@code status}. */
    JsonPath endedExecution(Person who, String task, String status) {
        String[] id = new String[1];
        Eventually.await(PATIENCE, "an execution of " + task + " ended " + status, () -> {
            JsonPath list = executions(who, task);
            id[0] = list.getString("items[0].id");
            return List.of(status).equals(list.getList("items.status"));
        });
        return who.api().get(suite.executions.url() + "/api/executions/" + id[0]).then().statusCode(200)
                .extract().jsonPath();
    }

    JsonPath logs(Person who, String execution) {
        return who.api().queryParam("limit", 1000).get(suite.executions.url() + "/api/executions/" + execution
                + "/logs").then().statusCode(200).extract().jsonPath();
    }

    JsonPath steps(Person who, String execution) {
        return who.api().get(suite.executions.url() + "/api/executions/" + execution + "/steps").then()
                .statusCode(200).extract().jsonPath();
    }

    /** The id of the task's conversation, once there is one. */
    String conversationOf(Person who, String task) {
        String[] id = new String[1];
        Eventually.await(PATIENCE, "a conversation of " + task, () -> {
            id[0] = who.api().queryParam("taskId", task).get(suite.chat.url() + "/api/conversations").then()
                    .statusCode(200).extract().path("items[0].id");
            return id[0] != null;
        });
        return id[0];
    }

    JsonPath messages(Person who, String conversation) {
        return who.api().get(suite.chat.url() + "/api/conversations/" + conversation + "/messages").then()
                .statusCode(200).extract().jsonPath();
    }

    /**
     * The stand-in's "journey" run, as its logs read: numbered lines 1 to 8, each once and in order,
     * the worker's own first and last lines around them, and sequences 1, 2, 3... without a gap.
     */
    static void assertJourneyLogs(JsonPath logs) {
        List<String> messages = logs.getList("items.message", String.class);
        List<Integer> sequences = logs.getList("items.sequence", Integer.class);
        for (int i = 0; i < sequences.size(); i++) {
            assertEquals(i + 1, sequences.get(i), () -> "sequences " + sequences);
        }
        List<String> numbered = messages.stream().filter(message -> message.startsWith("journey ")).toList();
        assertEquals(List.of("journey 1: reading the task", "journey 2: I need a decision before I go on",
                "journey 3: the answer was PostgreSQL", "journey 4: working", "journey 5: working",
                "journey 6: working", "journey 7: working", "journey 8: working"), numbered, messages::toString);
        assertTrue(messages.get(0).startsWith("agentyard-worker: running bash"), messages::toString);
        assertEquals("agentyard-worker: the agent exited with code 0", messages.get(messages.size() - 1));
    }

    /** The person answers the question with {@code answer}: the id of their response. */
    String answer(Person who, String conversation, String question, String answer) {
        return create(who, suite.chat.url() + "/api/conversations/" + conversation + "/messages",
                Map.of("content", answer, "messageType", "response", "parentMessageId", question));
    }
}
