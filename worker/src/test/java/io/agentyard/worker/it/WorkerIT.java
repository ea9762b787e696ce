package io.agentyard.worker.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.worker.testing.Suite;
import io.agentyard.worker.testing.WorkerProcess;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * The real worker jar against the real suite, with a scripted stand-in for Claude Code
 * ({@code src/test/resources/agents/standin-claude.sh}, which speaks its stream-json): what a user
 * sees from filing a task to its result.
 */
class WorkerIT {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    static Path temp;
    static Suite suite;
    static WorkerProcess worker;
    static UUID owner = UUID.randomUUID();
    static String developer;
    static Path standinDir;
    static Path standin;

    /** One worker for the tests that share the `feature` queue, registered as a user would. */
    @BeforeAll
    static void startWorker() throws IOException {
        suite = Suite.get();
        developer = suite.token(owner, "developer");
        standinDir = Files.createDirectories(temp.resolve("standin"));
        standin = WorkerProcess.standinAgent(temp);
        worker = newWorker("main");
        assertEquals(0, worker.call("register", "--name", "it-main-worker", "--type", "feature",
                "--enrollment-token", enrollmentToken(), "--max-concurrent", "4", "--capability", "java:advanced",
                "--command", "bash " + standin + " {promptFile}", "--format", "claude-stream-json",
                "--allow-local-repositories"), worker::output);
        worker.start("run", "--grace", "PT5S");
    }

    @AfterAll
    static void stopWorker() throws InterruptedException {
        if (worker != null) {
            worker.terminate();
            worker.exitWithin(Duration.ofSeconds(30));
        }
    }

    @Test
    void registrationStoresPrivateCredentialsAndCreatesTheWorker() throws IOException {
        Path config = worker.home.resolve("config.json");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(config));
        JsonPath stored = JsonPath.from(Files.readString(config));
        String workerId = stored.getString("workerId");
        given().auth().oauth2(suite.adminToken).get(suite.agents.url() + "/api/workers/" + workerId).then()
                .statusCode(200).body("name", is("it-main-worker")).body("workerType", is("feature"))
                .body("maxConcurrentTasks", is(4)).body("capabilities.name", hasItem("java"));
        // the client's secret works, and the worker's token is the worker's
        given().contentType(ContentType.JSON).body(Map.of("clientId", stored.getString("clientId"),
                        "clientSecret", stored.getString("clientSecret")))
                .post(suite.identity.url() + "/api/auth/token").then().statusCode(200);
    }

    @Test
    void aUsedEnrollmentTokenIsRefused() {
        String token = enrollmentToken();
        WorkerProcess first = newWorker("enroll-once-a");
        assertEquals(0, first.call("register", "--name", "enroll-once-a", "--type", "docs", "--enrollment-token", token),
                first::output);
        WorkerProcess second = newWorker("enroll-once-b");
        assertEquals(3, second.call("register", "--name", "enroll-once-b", "--type", "docs", "--enrollment-token", token));
        assertTrue(second.output().contains("invalid or expired enrollment token"), second::output);
        assertFalse(Files.exists(second.home.resolve("config.json")));
    }

    @Test
    void aTaskIsClaimedLoggedAndCompletedWithItsResult() {
        String task = createTask("edit", Map.of());
        awaitStatus(task, "completed");
        JsonPath execution = executionOf(task);
        assertEquals("completed", execution.getString("status"));
        assertEquals(0, execution.getInt("exitCode"));
        assertEquals("Wrote standin.txt", execution.getString("outputData.finalMessage"));
        assertEquals(List.of("standin.txt"), execution.getList("outputData.changedFiles"));
        assertEquals(120, execution.getInt("metrics.inputTokens"));
        assertEquals(45, execution.getInt("metrics.outputTokens"));

        String id = execution.getString("id");
        List<String> messages = logs(id).getList("items.message");
        int start = indexOf(messages, "agentyard-worker: running");
        int said = indexOf(messages, "Looking at the task.");
        int done = indexOf(messages, "Done: wrote standin.txt.");
        int exit = indexOf(messages, "the agent exited with code 0");
        assertTrue(start < said && said < done && done < exit, () -> "logs out of order: " + messages);
        List<Integer> sequences = logs(id).getList("items.sequence");
        for (int i = 0; i < sequences.size(); i++) {
            assertEquals(i + 1, sequences.get(i));
        }
        as(developer).get(suite.executions.url() + "/api/executions/" + id + "/steps").then().statusCode(200)
                .body("size()", is(1)).body("[0].name", is("Write")).body("[0].type", is("tool"))
                .body("[0].status", is("completed"));
    }

    @Test
    void thePromptCarriesTheTaskItsContextAndLinkedDocuments() {
        String document = as(developer).contentType(ContentType.JSON).body(Map.of("title", "Style guide",
                        "documentType", "guide", "content", "Use four spaces, never tabs."))
                .post(suite.chat.url() + "/api/context-documents").then().statusCode(201).extract().path("id");
        String task = createTask("prompt", Map.of("context", Map.of("contextDocumentIds", List.of(document),
                "module", "billing")));
        awaitStatus(task, "completed");
        String line = logs(executionOf(task).getString("id")).getList("items.message", String.class).stream()
                .filter(message -> message.startsWith("PROMPT ")).findFirst().orElseThrow();
        String prompt = new String(Base64.getDecoder().decode(line.substring("PROMPT ".length()).strip()));
        assertTrue(prompt.startsWith("# Task: it prompt "), prompt);
        assertTrue(prompt.contains("SCENARIO: prompt"), prompt);
        assertTrue(prompt.contains("\"module\" : \"billing\""), prompt);
        assertTrue(prompt.contains("## Context document: Style guide (guide)"), prompt);
        assertTrue(prompt.contains("Use four spaces, never tabs."), prompt);
        assertFalse(prompt.contains("contextDocumentIds"), prompt);
    }

    @Test
    void aQuestionBlocksTheTaskUntilAPersonAnswers() {
        String task = createTask("ask", Map.of());
        awaitTask(task, "blocked on its question", json -> "blocked".equals(json.getString("status"))
                && "question".equals(json.getString("blockedReason")));
        String conversation = as(developer).queryParam("taskId", task).get(suite.chat.url() + "/api/conversations")
                .then().statusCode(200).extract().jsonPath().getString("items[0].id");
        JsonPath question = as(developer).queryParam("messageType", "question")
                .get(suite.chat.url() + "/api/conversations/" + conversation + "/messages").then().statusCode(200)
                .body("items.size()", is(1)).body("items[0].content", is("Which database should I use?"))
                .body("items[0].senderType", is("worker")).extract().jsonPath();
        // still blocked a while later: nothing moves without a person
        sleep(1500);
        as(developer).get(suite.tasks.url() + "/api/tasks/" + task).then().body("status", is("blocked"));

        as(developer).contentType(ContentType.JSON).body(Map.of("content", "PostgreSQL", "messageType", "response",
                        "parentMessageId", question.getString("items[0].id")))
                .post(suite.chat.url() + "/api/conversations/" + conversation + "/messages").then().statusCode(201);
        awaitStatus(task, "completed");
        JsonPath execution = executionOf(task);
        assertEquals("Used PostgreSQL", execution.getString("outputData.finalMessage"));
        assertTrue(execution.getList("outputData.changedFiles").contains("answer.txt"));
    }

    @Test
    void aFailingAgentFailsTheOrderWithItsError() {
        String task = createTask("fail", Map.of());
        awaitStatus(task, "failed");
        JsonPath execution = executionOf(task);
        assertEquals("failed", execution.getString("status"));
        assertTrue(execution.getString("errorMessage").contains("exited with code 1"), execution::prettyPrint);
        assertTrue(execution.getString("errorMessage").contains("The build failed"), execution::prettyPrint);
        List<String> messages = logs(execution.getString("id")).getList("items.message");
        assertTrue(messages.contains("standin: the build is broken beyond repair"), messages::toString);
    }

    @Test
    void aHungAgentIsKilledAtItsTimeoutAndTheOrderRetried() throws IOException {
        String task = createTask("hang-once", Map.of("timeoutSeconds", 5));
        awaitStatus(task, "completed");
        JsonPath[] executions = new JsonPath[1];
        Eventually.await(PATIENCE, "the second attempt's execution ended", () -> {
            executions[0] = as(developer).queryParam("taskId", task).get(suite.executions.url() + "/api/executions")
                    .then().statusCode(200).extract().jsonPath();
            return List.of("completed", "failed").equals(executions[0].getList("items.status"));
        });
        assertTrue(executions[0].getString("items[1].errorMessage").contains("deadline"), executions[0]::prettyPrint);
        assertStopped(task);
    }

    @Test
    void cancellingTheTaskStopsTheAgent() throws IOException {
        String task = createTask("hang", Map.of());
        Eventually.await(PATIENCE, "the agent started", () -> Files.exists(standinDir.resolve(task + ".pids")));
        cancel(task);
        assertStopped(task);
        sleep(1000);
        JsonPath execution = executionOf(task);
        assertEquals("cancelled", execution.getString("status"));
        // nothing was reported for the attempt after the cancellation: no completion, no failure
        as(developer).get(suite.tasks.url() + "/api/tasks/" + task).then().body("status", is("cancelled"));
    }

    @Test
    void aWorkerThatLostItsLeaseStopsTheAgentAndReportsNothingForIt() throws IOException, InterruptedException {
        WorkerProcess frozen = registeredWorker("frozen", "bugfix");
        frozen.start("run");
        String task = createTask("hang-once", Map.of("taskType", "bugfix"));
        Eventually.await(PATIENCE, "the agent started", () -> Files.exists(standinDir.resolve(task + ".pids")));
        // the worker freezes (a paused VM, a long GC) past its lease: the order expires and goes back to the queue
        signal("STOP", frozen.pid());
        try {
            awaitStatus(task, "queued");
        } finally {
            signal("CONT", frozen.pid());
        }
        // its next heartbeat is refused: it stops the first attempt's agent, then claims and runs the retry
        assertStopped(task);
        awaitStatus(task, "completed");
        JsonPath[] executions = new JsonPath[1];
        Eventually.await(PATIENCE, "both attempts' executions ended", () -> {
            executions[0] = as(developer).queryParam("taskId", task).get(suite.executions.url() + "/api/executions")
                    .then().statusCode(200).extract().jsonPath();
            return List.of("completed", "timeout").equals(executions[0].getList("items.status"));
        });
        assertTrue(frozen.output().contains("stopped, the lease is gone; nothing more is reported"), frozen::output);
        frozen.terminate();
        assertEquals(0, frozen.exitWithin(Duration.ofSeconds(30)), frozen::output);
    }

    @Test
    void aTaskRunsOnABranchOfItsRepositoryAndPushesIt() throws IOException {
        Path bare = temp.resolve("repo-" + UUID.randomUUID() + ".git");
        git(temp, "init", "--quiet", "--bare", "--initial-branch=main", bare.toString());
        Path seed = temp.resolve("seed-" + UUID.randomUUID());
        git(temp, "clone", "--quiet", bare.toString(), seed.toString());
        Files.writeString(seed.resolve("README.md"), "seed\n");
        git(seed, "add", "README.md");
        git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "seed");
        git(seed, "push", "--quiet", "origin", "HEAD:main");

        Map<String, Object> extra = new HashMap<>();
        extra.put("repositoryUrl", bare.toUri().toString());
        extra.put("branchName", "agentyard/it-branch");
        extra.put("context", Map.of("push", true));
        String task = createTask("edit", extra);
        awaitStatus(task, "completed");
        JsonPath execution = executionOf(task);
        String commit = execution.getString("outputData.commit");
        assertNotNull(commit, execution::prettyPrint);
        assertEquals(true, execution.getBoolean("outputData.pushed"));
        assertEquals("agentyard/it-branch", execution.getString("outputData.branch"));
        assertEquals(commit, git(bare, "rev-parse", "agentyard/it-branch").strip());
        String files = git(bare, "ls-tree", "--name-only", "agentyard/it-branch");
        assertTrue(files.contains("README.md") && files.contains("standin.txt"), files);

        // a second order of the same repository reuses its clone
        String again = createTask("edit", Map.of("repositoryUrl", bare.toUri().toString()));
        awaitStatus(again, "completed");
        try (var clones = Files.list(worker.home.resolve("workspaces").resolve("repos"))) {
            assertEquals(1, clones.filter(path -> path.getFileName().toString().startsWith("repo-")).count());
        }
    }

    @Test
    void sigtermLetsTheRunningOrderFinish() throws InterruptedException {
        WorkerProcess drained = registeredWorker("drain", "docs");
        drained.start("run", "--grace", "PT30S");
        String task = createTask("slow", Map.of("taskType", "docs"));
        awaitStatus(task, "in_progress");
        sleep(500);
        drained.terminate();
        assertEquals(0, drained.exitWithin(Duration.ofSeconds(40)), drained::output);
        as(developer).get(suite.tasks.url() + "/api/tasks/" + task).then().body("status", is("completed"));
        assertTrue(drained.output().contains("stopping: waiting up to 30 s for 1 run(s)"), drained::output);
    }

    @Test
    void sigtermPastTheGracePeriodFailsTheRunAsRetryable() throws InterruptedException, IOException {
        WorkerProcess impatient = registeredWorker("impatient", "test");
        impatient.start("run", "--grace", "PT1S");
        String task = createTask("hang", Map.of("taskType", "test"));
        Eventually.await(PATIENCE, "the agent started", () -> Files.exists(standinDir.resolve(task + ".pids")));
        impatient.terminate();
        assertEquals(0, impatient.exitWithin(Duration.ofSeconds(40)), impatient::output);
        assertStopped(task);
        // back on the queue for another worker, the attempt failed as the worker's stop
        awaitStatus(task, "queued");
        JsonPath execution = executionOf(task);
        assertEquals("failed", execution.getString("status"));
        assertTrue(execution.getString("errorMessage").contains("the worker stopped"), execution::prettyPrint);
        cancel(task);
    }

    @Test
    void revokedCredentialsStopTheWorkerWithAClearMessage() throws IOException, InterruptedException {
        WorkerProcess revoked = registeredWorker("revoked", "refactor");
        String clientId = JsonPath.from(Files.readString(revoked.home.resolve("config.json"))).getString("clientId");
        as(suite.adminToken).delete(suite.identity.url() + "/api/service-clients/" + clientId).then().statusCode(204);
        revoked.start("run");
        assertEquals(3, revoked.exitWithin(Duration.ofSeconds(30)), revoked::output);
        assertTrue(revoked.output().contains("register the worker again"), revoked::output);
    }

    @Test
    void runWithoutRegistrationSaysWhatToDo() {
        WorkerProcess unregistered = newWorker("unregistered");
        assertEquals(2, unregistered.call("run"));
        assertTrue(unregistered.output().contains("run `agentyard-worker register` first"), unregistered::output);
    }

    @Test
    void anUnreachableControlPlaneIsRetriedUntilStopped() throws IOException, InterruptedException {
        WorkerProcess registered = registeredWorker("unreachable", "review");
        Map<String, String> env = new HashMap<>(suite.workerEnv());
        env.put("AGENTYARD_IDENTITY_URL", "http://127.0.0.1:9"); // nothing listens on the discard port
        WorkerProcess cut = new WorkerProcess(registered.home, "unreachable-run", env);
        cut.start("run");
        Eventually.await(PATIENCE, "a retry", () -> cut.output().contains("trying again in 1000 ms"));
        assertTrue(cut.isAlive(), cut::output);
        assertTrue(cut.output().contains("cannot reach http://127.0.0.1:9"), cut::output);
        cut.terminate();
        assertEquals(0, cut.exitWithin(Duration.ofSeconds(20)), cut::output);
    }

    // --- the world ---------------------------------------------------------------------------------

    static WorkerProcess newWorker(String name) {
        Map<String, String> env = new HashMap<>(suite.workerEnv());
        env.put("AGENTYARD_STANDIN_DIR", standinDir.toString());
        env.put("STANDIN_SLOW_SECONDS", "4");
        return new WorkerProcess(temp.resolve("worker-" + name), name, env);
    }

    static WorkerProcess registeredWorker(String name, String type) {
        WorkerProcess process = newWorker(name);
        assertEquals(0, process.call("register", "--name", "it-" + name, "--type", type, "--enrollment-token",
                enrollmentToken(), "--command", "bash " + standin + " {promptFile}", "--format", "claude-stream-json"),
                process::output);
        return process;
    }

    static String enrollmentToken() {
        return as(suite.adminToken).contentType(ContentType.JSON).body(Map.of("name", "it"))
                .post(suite.identity.url() + "/api/enrollment-tokens").then().statusCode(201)
                .extract().path("token");
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    /** Files a task whose description tells the stand-in what to do. */
    static String createTask(String scenario, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("title", "it " + scenario + " " + UUID.randomUUID(),
                "description", "SCENARIO: " + scenario, "taskType", "feature", "permissionLevel", "autonomous"));
        body.putAll(extra);
        return as(developer).contentType(ContentType.JSON).body(body).post(suite.tasks.url() + "/api/tasks")
                .then().statusCode(201).extract().path("id");
    }

    static void cancel(String task) {
        as(developer).contentType(ContentType.JSON).body("{}").post(suite.tasks.url() + "/api/tasks/" + task + "/cancel")
                .then().statusCode(200);
    }

    static void awaitStatus(String task, String status) {
        awaitTask(task, "status " + status, json -> status.equals(json.getString("status")));
    }

    static void awaitTask(String task, String what, Predicate<JsonPath> condition) {
        Eventually.await(PATIENCE, "task " + task + ": " + what, () -> condition.test(
                as(developer).get(suite.tasks.url() + "/api/tasks/" + task).then().extract().jsonPath()));
    }

    /** The task's latest execution, once it has ended. */
    static JsonPath executionOf(String task) {
        String[] id = new String[1];
        Eventually.await(PATIENCE, "an ended execution of " + task, () -> {
            JsonPath list = as(developer).queryParam("taskId", task).get(suite.executions.url() + "/api/executions")
                    .then().extract().jsonPath();
            String status = list.getString("items[0].status");
            id[0] = list.getString("items[0].id");
            return status != null && !status.equals("running") && !status.equals("pending");
        });
        return as(developer).get(suite.executions.url() + "/api/executions/" + id[0]).then().statusCode(200)
                .extract().jsonPath();
    }

    static JsonPath logs(String execution) {
        return as(developer).queryParam("limit", 1000).get(suite.executions.url() + "/api/executions/" + execution
                + "/logs").then().statusCode(200).extract().jsonPath();
    }

    static int indexOf(List<String> messages, String part) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).contains(part)) {
                return i;
            }
        }
        throw new AssertionError("no log line with '" + part + "' in " + messages);
    }

    /** How many of the stand-in's processes for {@code task} (the script and its sleep) still run. */
    static long pidsAlive(String task) {
        try {
            return Arrays.stream(Files.readString(standinDir.resolve(task + ".pids")).trim().split(" "))
                    .map(Long::parseLong).map(ProcessHandle::of).filter(handle -> handle.map(ProcessHandle::isAlive)
                            .orElse(false)).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stand-in's processes are gone (a killed process lingers until its new parent reaps it). */
    static void assertStopped(String task) {
        Eventually.await(Duration.ofSeconds(10), "the agent's processes stopped", () -> pidsAlive(task) == 0);
    }

    static void signal(String name, long pid) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).start().waitFor());
    }

    static String git(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("git " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        return output;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
