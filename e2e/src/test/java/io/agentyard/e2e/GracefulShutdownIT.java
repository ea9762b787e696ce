package io.agentyard.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.agentyard.e2e.Journey.Person;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.worker.testing.Suite;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * A replica stopping (SIGTERM, as Kubernetes stops a pod) hands back what it holds and loses
 * nothing: task-service is stopped while a worker long-polls for a claim and completes orders. The
 * long poll gets a proper answer (an empty claim, not a reset connection), the process shuts down
 * cleanly in time (exit status 143, the JVM's after a SIGTERM it handled), and after its restart every completion it acknowledged stands, and every
 * completed task's event reaches the task stream. execution-service, stopped while a live socket
 * follows an execution and after another socket has come and gone, closes the open one with 1001
 * and stops without waiting out its drain's timeout.
 */
class GracefulShutdownIT {

    /** Shutdown delay (5 s) + drain timeout (20 s) + the relay's and consumers' last rounds, generously. */
    static final Duration STOPS_WITHIN = Duration.ofSeconds(60);
    static final String QUEUE = "refactor";
    /** The live-socket case's own queue, so its claim takes its own order. */
    static final String LIVE_QUEUE = "review";
    static final int ORDERS = 8;

    @TempDir
    static Path temp;
    static Suite suite;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startTheSuite() {
        suite = Suite.get();
    }

    @Test
    void taskServiceStoppedWithSigtermAnswersItsLongPollFinishesCompletionsAndLosesNothing() throws Exception {
        try (Journey journey = new Journey(suite, temp)) {
            Person ada = journey.register("ada");
            String workerId = journey.registerWorker(journey.admin(), QUEUE, ORDERS);
            String workerToken = suite.token(UUID.fromString(workerId), "worker");
            given().auth().oauth2(workerToken).contentType(ContentType.JSON)
                    .body(Map.of("status", "idle", "currentLoad", 0))
                    .post(suite.agents.url() + "/api/workers/" + workerId + "/heartbeat").then().statusCode(200);

            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                tasks.add(journey.create(ada, suite.tasks.url() + "/api/tasks",
                        Journey.task("shutdown " + i + " " + journey.tag, "edit", QUEUE)));
            }
            // the worker holds every order (task-service learns of the worker from agent-service's events)
            List<Map<String, Object>> held = new ArrayList<>();
            Eventually.await(Journey.PATIENCE, "all orders claimed", () -> {
                HttpResponse<String> claim = claimQuietly(workerToken, ORDERS - held.size(), 1);
                if (claim != null && claim.statusCode() == 200) {
                    held.addAll(JsonPath.from(claim.body()).getList("$"));
                }
                return held.size() == ORDERS;
            });

            // a long poll that nothing will answer (the queue is empty) until the replica stops
            CompletableFuture<HttpResponse<String>> longPoll = CompletableFuture.supplyAsync(() -> {
                try {
                    return claim(workerToken, 1, 30);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException("the long poll got no answer: " + e, e);
                }
            });
            Eventually.await(Journey.PATIENCE, "the claim waits", () -> waitingClaims() >= 1);

            // completions go on while task-service stops: each is acknowledged (200) or refused, never lost
            List<Integer> answers = new ArrayList<>();
            CompletableFuture<Void> completions = CompletableFuture.runAsync(() -> {
                for (Map<String, Object> order : held) {
                    answers.add(complete(workerToken, order));
                    pause(1000); // spread over the shutdown delay (served) and the drain (refused)
                }
            });
            long stopping = System.nanoTime();
            int exit = suite.tasks.terminate(STOPS_WITHIN);
            Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
            completions.get(STOPS_WITHIN.toSeconds(), TimeUnit.SECONDS);

            // a JVM that ran its shutdown on SIGTERM exits with 128 + 15 (a SIGKILL would give 137)
            assertEquals(143, exit, "task-service exited on SIGTERM after " + stopped);
            assertTrue(stopped.compareTo(Duration.ofSeconds(40)) < 0, "within delay + timeout + last rounds: " + stopped);
            String log = Files.readString(suite.tasks.log());
            assertTrue(log.contains("task-service stopped in"), "Quarkus shut down cleanly (its log says so)");
            assertTrue(log.contains("waiting claim(s) answered now"), "the long poll was answered by the drain");
            assertTrue(longPoll.isDone(), "the long poll was answered before the process exited");
            HttpResponse<String> polled = longPoll.get();
            assertEquals(200, polled.statusCode(), polled.body());
            assertEquals(List.of(), JsonPath.from(polled.body()).getList("$"), "an empty claim: claim elsewhere");

            suite.tasks.start();
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                String task = String.valueOf(held.get(i).get("taskId"));
                if (answers.get(i) == 200) {
                    journey.awaitStatus(ada, task, "completed"); // acknowledged: it stands
                } else {
                    refused.add(task);
                }
            }
            // what was refused while it stopped is still there: completed now if the lease held, else
            // (the 6 s lease ran out meanwhile) retried, claimed again and completed, as a worker would
            for (int i = 0; i < ORDERS; i++) {
                if (answers.get(i) != 200) {
                    int again = complete(workerToken, held.get(i));
                    assertTrue(again == 200 || again == 409, "completing again after the restart: " + again);
                }
            }
            Eventually.await(Journey.PATIENCE, "every task completed", () -> {
                HttpResponse<String> claim = claimQuietly(workerToken, ORDERS, 1);
                if (claim != null && claim.statusCode() == 200) {
                    for (Map<String, Object> order : JsonPath.from(claim.body()).<Map<String, Object>>getList("$")) {
                        complete(workerToken, order);
                    }
                }
                return tasks.stream().allMatch(task -> "completed".equals(journey.task(ada, task).getString("status")));
            });
            Eventually.await(Journey.PATIENCE, "every task's completion event on the task stream",
                    () -> tasks.stream().allMatch(task -> completionEvents(task) == 1));
            assertTrue(answers.contains(200), "some completions went through while it stopped: " + answers);
            // served, or refused as a stopping server refuses (503, then no connection): never cut half-way (500)
            assertTrue(answers.stream().allMatch(a -> a == 200 || a == 503 || a == -1), "completions: " + answers);
        }
    }

    @Test
    void executionServiceStoppedWithSigtermClosesItsLiveSocketsAndDoesNotWaitOutItsDrain() throws Exception {
        try (Journey journey = new Journey(suite, temp)) {
            Person ada = journey.register("ada");
            String workerId = journey.registerWorker(journey.admin(), LIVE_QUEUE, 1);
            String workerToken = suite.token(UUID.fromString(workerId), "worker");
            given().auth().oauth2(workerToken).contentType(ContentType.JSON)
                    .body(Map.of("status", "idle", "currentLoad", 0))
                    .post(suite.agents.url() + "/api/workers/" + workerId + "/heartbeat").then().statusCode(200);
            String task = journey.create(ada, suite.tasks.url() + "/api/tasks",
                    Journey.task("live " + journey.tag, "edit", LIVE_QUEUE));
            // the worker claims it: a running execution ada may follow
            String[] execution = new String[1];
            Eventually.await(Journey.PATIENCE, "the order claimed", () -> {
                HttpResponse<String> claim = claimQuietly(workerToken, LIVE_QUEUE, 1, 1);
                if (claim != null && claim.statusCode() == 200) {
                    for (Map<String, Object> order : JsonPath.from(claim.body()).<Map<String, Object>>getList("$")) {
                        if (task.equals(String.valueOf(order.get("taskId")))) {
                            execution[0] = String.valueOf(order.get("executionId"));
                        }
                    }
                }
                return execution[0] != null;
            });
            Eventually.await(Journey.PATIENCE, "execution-service has the execution", () -> ada.api()
                    .get(suite.executions.url() + "/api/executions/" + execution[0]).statusCode() == 200);

            // a socket the server closes at once (the id is not a UUID), then one that follows the execution
            LiveSocket refused = LiveSocket.open(http, suite.executions.url(), "not-a-uuid", ada.token());
            assertEquals(4400, refused.closed.get(30, TimeUnit.SECONDS));
            LiveSocket following = LiveSocket.open(http, suite.executions.url(), execution[0], ada.token());
            Eventually.await(Journey.PATIENCE, "the snapshot", () -> following.frames.stream()
                    .anyMatch(frame -> frame.contains("\"snapshot\"")));

            long logBefore = Files.size(suite.executions.log());
            long stopping = System.nanoTime();
            int exit = suite.executions.terminate(STOPS_WITHIN);
            Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
            suite.executions.start();

            assertEquals(143, exit, "execution-service exited on SIGTERM after " + stopped);
            assertEquals(1001, following.closed.get(30, TimeUnit.SECONDS), "the follower told to reconnect elsewhere");
            // the shutdown delay (5 s) and the last rounds, not the drain's 20 s timeout on top
            assertTrue(stopped.compareTo(Duration.ofSeconds(15)) < 0, "stopped without waiting out the drain: " + stopped);
            byte[] written = Files.readAllBytes(suite.executions.log());
            String log = new String(written, (int) logBefore, written.length - (int) logBefore, StandardCharsets.UTF_8);
            assertTrue(log.contains("execution-service stopped in"), "Quarkus shut down cleanly (its log says so)");
            assertFalse(log.contains("Timed out waiting for graceful shutdown"), log);
        }
    }

    /** A live socket of {@code GET ws /api/executions/{id}/live}: its text frames, and its close code once closed. */
    private record LiveSocket(List<String> frames, CompletableFuture<Integer> closed) {

        static LiveSocket open(HttpClient http, String base, String id, String token) {
            LiveSocket socket = new LiveSocket(new CopyOnWriteArrayList<>(), new CompletableFuture<>());
            http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/api/executions/" + id + "/live"),
                            new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                    socket.frames.add(data.toString());
                                    ws.request(1);
                                    return null;
                                }

                                @Override
                                public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                                    socket.closed.complete(status);
                                    return null;
                                }

                                @Override
                                public void onError(WebSocket ws, Throwable error) {
                                    socket.closed.completeExceptionally(error);
                                }
                            }).join();
            return socket;
        }
    }

    private HttpResponse<String> claim(String token, int max, int waitSeconds) throws IOException, InterruptedException {
        return claim(token, QUEUE, max, waitSeconds);
    }

    private HttpResponse<String> claim(String token, String queue, int max, int waitSeconds)
            throws IOException, InterruptedException {
        String body = "{\"queues\":[\"" + queue + "\"],\"max\":" + max + ",\"waitSeconds\":" + waitSeconds + "}";
        return http.send(HttpRequest.newBuilder(URI.create(suite.tasks.url() + "/api/work-orders/claim"))
                .timeout(Duration.ofSeconds(waitSeconds + 30)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> claimQuietly(String token, int max, int waitSeconds) {
        return claimQuietly(token, QUEUE, max, waitSeconds);
    }

    private HttpResponse<String> claimQuietly(String token, String queue, int max, int waitSeconds) {
        try {
            return claim(token, queue, max, waitSeconds);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The completion's status, or -1 when the connection failed (the replica gone). */
    private int complete(String token, Map<String, Object> order) {
        String body = "{\"attempt\":" + order.get("attempt") + ",\"exitCode\":0,\"result\":{}}";
        try {
            return http.send(HttpRequest.newBuilder(URI.create(suite.tasks.url() + "/api/work-orders/" + order.get("id")
                            + "/complete")).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long waitingClaims() {
        String metrics = given().get(suite.tasks.url() + "/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("agentyard_claim_waiters"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** How many task.completed events about {@code task} the task stream holds. */
    private long completionEvents(String task) {
        try {
            Process cli = new ProcessBuilder("redis-cli", "-u", suite.world().redisUrl(), "XRANGE",
                    suite.world().keyPrefix() + "agentyard.task.events", "-", "+").redirectErrorStream(true).start();
            String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            cli.waitFor(10, TimeUnit.SECONDS);
            return out.lines().filter(line -> line.contains("\"task.completed\"") && line.contains(task)).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
