package io.agentyard.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.agentyard.e2e.Journey.Person;
import io.agentyard.e2e.Journey.Worker;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.worker.testing.Suite;
import io.restassured.path.json.JsonPath;

/**
 * Backups that are known to restore: after a journey, {@code deploy/local/backup.sh} dumps the
 * suite's database, {@code deploy/local/restore.sh} restores it into a new database, and a second
 * suite serving that database is used as people use it: they sign in, find their work as it was, and
 * the worker carries new work through.
 */
class BackupRestoreIT {

    static final Path SCRIPTS = Path.of(System.getProperty("agentyard.backup.scripts", "../deploy/local"));

    @TempDir
    static Path temp;
    static Suite suite;

    @BeforeAll
    static void startTheSuite() {
        suite = Suite.get();
    }

    @Test
    void aBackupRestoredIntoANewDatabaseServesEveryonesWorkAsItWas() throws Exception {
        Journey journey = new Journey(suite, temp);
        Person ada;
        Person bob;
        Worker worker;
        String task;
        String execution;
        String conversation;
        JsonPath executionBefore;
        List<Object> logsBefore;
        List<Object> stepsBefore;
        List<Object> messagesBefore;
        try (journey) {
            // a journey to keep: Ada's task asks her a question, she answers, it completes; Bob is a user too
            ada = journey.register("ada");
            bob = journey.register("bob");
            worker = journey.enrollWorker(journey.admin(), "docs");
            String project = journey.create(ada, suite.tasks.url() + "/api/projects", Map.of("name", "kept-" + journey.tag));
            Map<String, Object> body = Journey.task("design " + journey.tag, "journey", "docs");
            body.put("projectId", project);
            task = journey.create(ada, suite.tasks.url() + "/api/tasks", body);
            journey.awaitTask(ada, task, "blocked on its question", json -> "blocked".equals(json.getString("status")));
            conversation = journey.conversationOf(ada, task);
            journey.answer(ada, conversation, journey.messages(ada, conversation).getString("items[0].id"), "PostgreSQL");
            journey.awaitStatus(ada, task, "completed");
            executionBefore = journey.endedExecution(ada, task, "completed");
            execution = executionBefore.getString("id");
            logsBefore = journey.logs(ada, execution).getList("items");
            stepsBefore = journey.steps(ada, execution).getList("$");
            messagesBefore = journey.messages(ada, conversation).getList("items");
            Journey.assertJourneyLogs(journey.logs(ada, execution));
        } // its worker stops

        // back up the suite's database and restore it into a new one
        FreshDatabaseResource.World world = suite.world();
        String restored = world.database() + "_restored";
        String backup = script("backup.sh", world.database(), temp.resolve("backups").toString()).strip();
        assertTrue(Files.isRegularFile(Path.of(backup, "agentyard.dump")), backup);
        try {
            script("restore.sh", backup, restored);
            try (Suite second = suite.onDatabase(restored); Journey there = journey.on(second)) {
                // the people sign in on the restored suite and find their work as it was
                Person adaAgain = there.signIn(ada.username(), Journey.PASSWORD);
                assertEquals(ada.id(), adaAgain.id());
                JsonPath taskThere = there.task(adaAgain, task);
                assertEquals("completed", taskThere.getString("status"));
                assertEquals("design " + journey.tag, taskThere.getString("title"));
                JsonPath executionThere = there.endedExecution(adaAgain, task, "completed");
                assertEquals(executionBefore.getMap("$"), executionThere.getMap("$"));
                assertEquals(logsBefore, there.logs(adaAgain, execution).getList("items"));
                assertEquals(stepsBefore, there.steps(adaAgain, execution).getList("$"));
                assertEquals(messagesBefore, there.messages(adaAgain, conversation).getList("items"));
                Person bobAgain = there.signIn(bob.username(), Journey.PASSWORD);
                for (String url : List.of(second.tasks.url() + "/api/tasks/" + task,
                        second.executions.url() + "/api/executions/" + execution,
                        second.executions.url() + "/api/executions/" + execution + "/logs",
                        second.chat.url() + "/api/conversations/" + conversation)) {
                    bobAgain.api().get(url).then().statusCode(404);
                }
                there.admin().api().get(second.tasks.url() + "/api/tasks/" + task).then().statusCode(200);

                // and it serves new work: the worker, whose credentials were restored too, carries a new task through
                there.runAgain(worker);
                String next = there.create(adaAgain, second.tasks.url() + "/api/tasks",
                        Journey.task("after the restore " + journey.tag, "edit", "docs"));
                there.awaitStatus(adaAgain, next, "completed");
                JsonPath nextExecution = there.endedExecution(adaAgain, next, "completed");
                assertEquals(worker.id(), nextExecution.getString("workerId"));
                assertTrue(there.logs(adaAgain, nextExecution.getString("id")).getList("items.message")
                        .contains("agentyard-worker: the agent exited with code 0"));

                // the events relayed again after the restore (restore.sh --replay-events) were applied once: nothing changed
                assertEquals(executionBefore.getMap("$"), there.endedExecution(adaAgain, task, "completed").getMap("$"));
                assertEquals(logsBefore, there.logs(adaAgain, execution).getList("items"));
                assertEquals(messagesBefore, there.messages(adaAgain, conversation).getList("items"));
                assertEquals("completed", there.task(adaAgain, task).getString("status"));
            }
        } finally {
            dropDatabase(world, restored);
        }
    }

    /** Runs one of deploy/local's scripts against the suite's PostgreSQL: its standard output. */
    private static String script(String name, String... args) throws IOException, InterruptedException {
        FreshDatabaseResource.World world = suite.world();
        URI server = URI.create(world.databaseUrl());
        List<String> command = new ArrayList<>(List.of("bash", SCRIPTS.resolve(name).toString()));
        command.addAll(List.of(args));
        Path output = temp.resolve(name + ".out");
        Path errors = temp.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile());
        builder.environment().putAll(Map.of("PGHOST", server.getHost(), "PGPORT", String.valueOf(server.getPort()),
                "PGUSER", world.username(), "PGPASSWORD", world.password()));
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), name + " did not end");
        assertEquals(0, process.exitValue(), () -> name + " failed: " + read(errors) + read(output));
        return read(output);
    }

    private static void dropDatabase(FreshDatabaseResource.World world, String database) throws SQLException {
        String maintenance = world.jdbcUrl().substring(0, world.jdbcUrl().lastIndexOf('/') + 1) + "postgres";
        try (Connection connection = DriverManager.getConnection(maintenance, world.username(), world.password());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
