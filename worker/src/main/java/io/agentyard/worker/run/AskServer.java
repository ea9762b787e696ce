package io.agentyard.worker.run;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.agentyard.worker.Threads;
import io.agentyard.worker.api.ControlPlane;

/**
 * Where {@code agentyard-worker ask} reaches the worker from inside an agent's run: a small HTTP
 * endpoint on the loopback interface, one bearer token per run (handed to the agent in its
 * environment), so a process can only ask on behalf of the run that started it. The call stays
 * open until a person answers (or the run ends: 409).
 */
final class AskServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, OrderRun> runs = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    AskServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/ask", this::ask);
        // each waiting question holds a thread until its answer: a small cached pool, not the server's one thread
        server.setExecutor(Executors.newCachedThreadPool(Threads.factory("ask")));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/ask";
    }

    /** A token for {@code run}'s agent to ask with. */
    String open(OrderRun run) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        runs.put(token, run);
        return token;
    }

    void close(String token) {
        runs.remove(token);
    }

    private void ask(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            OrderRun run = authorization == null || !authorization.startsWith("Bearer ") ? null
                    : runs.get(authorization.substring("Bearer ".length()));
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, "use POST");
                return;
            }
            if (run == null) {
                answer(exchange, 401, "not a run of this worker (or it has ended)");
                return;
            }
            JsonNode body;
            try {
                body = ControlPlane.JSON.readTree(exchange.getRequestBody());
            } catch (IOException e) {
                answer(exchange, 400, "the body must be JSON: {\"question\": \"...\"}");
                return;
            }
            String question = body == null ? "" : body.path("question").asText("").strip();
            if (question.isEmpty() || question.length() > 10_000) {
                answer(exchange, 400, "question must be 1 to 10000 characters");
                return;
            }
            String reply = run.isRunning() ? run.ask(question) : null;
            if (reply == null) {
                answer(exchange, 409, "the run ended before the question was answered");
                return;
            }
            answer(exchange, 200, reply);
        }
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
