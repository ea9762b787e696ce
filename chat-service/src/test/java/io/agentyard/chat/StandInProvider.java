package io.agentyard.chat;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A local stand-in for a model provider: an HTTP server on a free port of 127.0.0.1 that speaks the
 * OpenAI chat-completions streaming protocol ({@code POST /v1/chat/completions}, {@code text/event-stream}
 * chunks, a usage chunk when asked, {@code data: [DONE]}), so chat-service's real client can be
 * tested without a model.
 * <p>
 * Script it with {@link #enqueue} (one {@link Reply} per request, in order; when none is queued,
 * the {@link #otherwise} answer, by default a short greeting), make it demand a key with
 * {@link #requireKey}, and read what it was sent ({@link #requests()}) and which replies the client
 * walked away from ({@link #disconnects()}). Point chat-service at it with {@link #register}. Any
 * test class may start its own:
 *
 * <pre>{@code
 * try (StandInProvider provider = StandInProvider.start()) {
 *     provider.register(TestTokens.admin());                       // POST /api/providers/standin
 *     provider.enqueue(Reply.text("Hel", "lo").every(Duration.ofMillis(20)).usage(12, 2));
 *     ... ask an agent using llmProvider "standin", model "stand-in" ...
 *     assertEquals("stand-in", provider.lastRequest().model());
 * }
 * }</pre>
 */
public final class StandInProvider implements AutoCloseable {

    public static final String NAME = "standin";
    public static final String MODEL = "stand-in";

    private final Vertx vertx;
    private final HttpServer server;
    private final ConcurrentLinkedQueue<Reply> queue = new ConcurrentLinkedQueue<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile Function<Recorded, Reply> otherwise = request -> Reply.text("Hello", " from", " the", " stand-in.");
    private volatile String requiredKey;

    private StandInProvider(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Starts one on a free port. Close it when done. */
    public static StandInProvider start() {
        Vertx vertx = Vertx.vertx();
        StandInProvider[] self = new StandInProvider[1];
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(request -> self[0].handle(request))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            self[0] = new StandInProvider(vertx, server);
            return self[0];
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the stand-in provider did not start", e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    /** Its OpenAI-compatible base URL: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    // ---- scripting

    /** The answers to the next requests, one each, in order. */
    public StandInProvider enqueue(Reply... replies) {
        queue.addAll(Arrays.asList(replies));
        return this;
    }

    /** How to answer when nothing is queued (e.g. {@code request -> Reply.text("you said " + request.lastUserMessage())}). */
    public StandInProvider otherwise(Function<Recorded, Reply> answer) {
        this.otherwise = answer;
        return this;
    }

    /** Answer 401 (with an OpenAI error body) to any request whose bearer token is not {@code key}; null: accept all. */
    public StandInProvider requireKey(String key) {
        this.requiredKey = key;
        return this;
    }

    // ---- what happened

    /** Every request received, in order. */
    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public Recorded lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("the stand-in provider received no request");
        }
        return requests.get(requests.size() - 1);
    }

    /** Waits for the {@code n}-th request (1-based). */
    public Recorded awaitRequest(int n, Duration timeout) {
        await(timeout, () -> requests.size() >= n, n + " requests to the stand-in provider");
        return requests.get(n - 1);
    }

    /** The replies whose client closed the connection before the reply ended. */
    public List<Disconnect> disconnects() {
        return List.copyOf(disconnects);
    }

    public Disconnect awaitDisconnect(Duration timeout) {
        await(timeout, () -> !disconnects.isEmpty(), "a client to disconnect from the stand-in provider");
        return disconnects.get(0);
    }

    /** Forgets the script, the records and the key requirement (back to the default answer). */
    public void reset() {
        queue.clear();
        requests.clear();
        disconnects.clear();
        requiredKey = null;
        otherwise = request -> Reply.text("Hello", " from", " the", " stand-in.");
    }

    // ---- chat-service

    /** Creates or updates provider {@value #NAME} in chat-service, pointing here, with model {@value #MODEL} and no key. */
    public void register(String adminToken) {
        register(adminToken, NAME, "", MODEL);
    }

    /** Creates or updates provider {@code name} in chat-service pointing here, enabled, with {@code apiKey} ("" for none). */
    public void register(String adminToken, String name, String apiKey, String... models) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("baseUrl", baseUrl());
        body.put("enabled", true);
        body.put("apiKey", apiKey);
        body.put("models", Arrays.stream(models).map(model -> Map.of("name", model)).toList());
        int status = given().contentType(ContentType.JSON).auth().oauth2(adminToken).body(body)
                .post("/api/providers/" + name).then().extract().statusCode();
        if (status != 200 && status != 201) {
            throw new AssertionError("registering the stand-in provider answered " + status);
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // a test server that does not stop cleanly harms nobody
        }
    }

    // ---- what it was sent

    /**
     * One request as received: path, headers (names in lower case) and JSON body.
     *
     * @param index 1 for the first request, 2 for the next...
     */
    public record Recorded(int index, String method, String path, Map<String, String> headers, JsonObject body,
                           Instant at) {

        /** The bearer token of the Authorization header, or null. */
        public String bearer() {
            String header = headers.get("authorization");
            return header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()) : null;
        }

        public String model() {
            return body.getString("model");
        }

        public Double temperature() {
            return body.getDouble("temperature");
        }

        public Integer maxTokens() {
            return body.getInteger("max_tokens");
        }

        public boolean stream() {
            return Boolean.TRUE.equals(body.getBoolean("stream"));
        }

        public boolean includeUsage() {
            JsonObject options = body.getJsonObject("stream_options");
            return options != null && Boolean.TRUE.equals(options.getBoolean("include_usage"));
        }

        /** The messages as {role, content} maps, in order. */
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> messages() {
            JsonArray messages = body.getJsonArray("messages", new JsonArray());
            List<Map<String, Object>> list = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                list.add(messages.getJsonObject(i).getMap());
            }
            return list;
        }

        /** The content of the first message if its role is system, else null. */
        public String systemPrompt() {
            List<Map<String, Object>> messages = messages();
            return !messages.isEmpty() && "system".equals(messages.get(0).get("role"))
                    ? (String) messages.get(0).get("content") : null;
        }

        /** The content of the last user message, or null. */
        public String lastUserMessage() {
            List<Map<String, Object>> messages = messages();
            for (int i = messages.size() - 1; i >= 0; i--) {
                if ("user".equals(messages.get(i).get("role"))) {
                    return (String) messages.get(i).get("content");
                }
            }
            return null;
        }
    }

    /**
     * A reply the client did not wait for: the connection closed while it was being sent.
     *
     * @param request    the request's index
     * @param partsSent  how many of the reply's parts (text chunks, raw pieces) had been written
     * @param partsTotal how many it had
     */
    public record Disconnect(int request, int partsSent, int partsTotal, Instant at) {
    }

    // ---- what it answers

    /**
     * How to answer one request. Build one with {@link #text}, {@link #raw}, {@link #error},
     * {@link #hang} or {@link #json}, then adjust it ({@link #every}, {@link #usage}, ...). Immutable.
     */
    public record Reply(Kind kind, List<String> parts, Duration firstAfter, Duration every, String finishReason,
                        Integer promptTokens, Integer completionTokens, boolean done, boolean hangAfter, int status,
                        String errorBody) {

        public enum Kind { STREAM, RAW, STATUS, HANG, JSON }

        /** Streams each piece as one chunk's {@code delta.content}, then a finish chunk ({@code stop}), usage if asked, [DONE]. */
        public static Reply text(String... pieces) {
            return new Reply(Kind.STREAM, List.of(pieces), Duration.ZERO, Duration.ZERO, "stop", null, null, true, false,
                    200, null);
        }

        /** Writes each piece as it is, byte for byte (lines cut anywhere, comments, error chunks...). */
        public static Reply raw(String... pieces) {
            return new Reply(Kind.RAW, List.of(pieces), Duration.ZERO, Duration.ZERO, null, null, null, false, false,
                    200, null);
        }

        /** Answers {@code status} with an OpenAI error body carrying {@code message}. */
        public static Reply error(int status, String message) {
            return new Reply(Kind.STATUS, List.of(), Duration.ZERO, Duration.ZERO, null, null, null, false, false,
                    status, new JsonObject().put("error", new JsonObject().put("message", message)
                    .put("type", status >= 500 ? "server_error" : "invalid_request_error").putNull("param")
                    .putNull("code")).encode());
        }

        /** Answers {@code status} with {@code body} as it is ({@code application/json}). */
        public static Reply status(int status, String body) {
            return new Reply(Kind.STATUS, List.of(), Duration.ZERO, Duration.ZERO, null, null, null, false, false,
                    status, body);
        }

        /** Accepts the request and never answers (not even headers). */
        public static Reply hang() {
            return new Reply(Kind.HANG, List.of(), Duration.ZERO, Duration.ZERO, null, null, null, false, false, 200,
                    null);
        }

        /** Answers with a whole, non-streamed completion ({@code application/json}), as a provider ignoring "stream" would. */
        public static Reply json(String content) {
            return new Reply(Kind.JSON, List.of(content), Duration.ZERO, Duration.ZERO, "stop", null, null, false,
                    false, 200, null);
        }

        /** Wait this long before the first part (after the headers). */
        public Reply firstAfter(Duration delay) {
            return new Reply(kind, parts, delay, every, finishReason, promptTokens, completionTokens, done, hangAfter,
                    status, errorBody);
        }

        /** Wait this long between parts. */
        public Reply every(Duration delay) {
            return new Reply(kind, parts, firstAfter, delay, finishReason, promptTokens, completionTokens, done,
                    hangAfter, status, errorBody);
        }

        /** The final usage chunk (sent only when the request asked with stream_options.include_usage). */
        public Reply usage(int prompt, int completion) {
            return new Reply(kind, parts, firstAfter, every, finishReason, prompt, completion, done, hangAfter, status,
                    errorBody);
        }

        /** The finish reason of the last chunk; null: none. */
        public Reply finish(String reason) {
            return new Reply(kind, parts, firstAfter, every, reason, promptTokens, completionTokens, done, hangAfter,
                    status, errorBody);
        }

        /** Leave out {@code data: [DONE]}. */
        public Reply withoutDone() {
            return new Reply(kind, parts, firstAfter, every, finishReason, promptTokens, completionTokens, false,
                    hangAfter, status, errorBody);
        }

        /** After the parts, send nothing more and keep the connection open (a stall). */
        public Reply thenHang() {
            return new Reply(kind, parts, firstAfter, every, finishReason, promptTokens, completionTokens, done, true,
                    status, errorBody);
        }
    }

    // ---- the server

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(bytes -> {
            Map<String, String> headers = new LinkedHashMap<>();
            request.headers().forEach(header -> headers.put(header.getKey().toLowerCase(), header.getValue()));
            JsonObject body;
            try {
                body = bytes.length() == 0 ? new JsonObject() : bytes.toJsonObject();
            } catch (RuntimeException e) {
                request.response().setStatusCode(400).end(Reply.error(400, "the body is not JSON").errorBody());
                return;
            }
            Recorded recorded = new Recorded(count.incrementAndGet(), request.method().name(), request.path(), headers,
                    body, Instant.now());
            requests.add(recorded);
            if (request.method().name().equals("POST") && request.path().endsWith("/chat/completions")) {
                String key = requiredKey;
                if (key != null && !key.equals(recorded.bearer())) {
                    play(recorded, request.response(), Reply.error(401, "Incorrect API key provided: "
                            + recorded.bearer() + ". You can find your API key at https://example.invalid/keys."));
                    return;
                }
                Reply reply = queue.poll();
                play(recorded, request.response(), reply != null ? reply : otherwise.apply(recorded));
            } else {
                request.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                        .end(Reply.error(404, "no route " + request.path()).errorBody());
            }
        });
    }

    private void play(Recorded request, HttpServerResponse response, Reply reply) {
        switch (reply.kind()) {
            case STATUS -> response.setStatusCode(reply.status()).putHeader("Content-Type", "application/json")
                    .end(reply.errorBody());
            case JSON -> response.putHeader("Content-Type", "application/json").end(new JsonObject()
                    .put("id", "chatcmpl-standin-" + request.index()).put("object", "chat.completion")
                    .put("model", request.model())
                    .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                            .put("message", new JsonObject().put("role", "assistant").put("content", reply.parts().get(0)))
                            .put("finish_reason", reply.finishReason())))
                    .encode());
            case HANG -> watch(request, response, 0, 0, new boolean[] {false});
            case STREAM, RAW -> stream(request, response, reply);
        }
    }

    private void stream(Recorded request, HttpServerResponse response, Reply reply) {
        List<String> writes = new ArrayList<>();
        if (reply.kind() == Reply.Kind.RAW) {
            writes.addAll(reply.parts());
        } else {
            writes.add(event(chunk(request, new JsonObject().put("role", "assistant").put("content", ""), null)));
            for (String piece : reply.parts()) {
                writes.add(event(chunk(request, new JsonObject().put("content", piece), null)));
            }
        }
        int textParts = reply.parts().size();
        List<String> tail = new ArrayList<>();
        if (reply.kind() == Reply.Kind.STREAM) {
            if (reply.finishReason() != null) {
                tail.add(event(chunk(request, new JsonObject(), reply.finishReason())));
            }
            if (request.includeUsage() && reply.promptTokens() != null) {
                tail.add(event(new JsonObject().put("id", "chatcmpl-standin-" + request.index())
                        .put("object", "chat.completion.chunk").put("model", request.model())
                        .put("choices", new JsonArray())
                        .put("usage", new JsonObject().put("prompt_tokens", reply.promptTokens())
                                .put("completion_tokens", reply.completionTokens())
                                .put("total_tokens", reply.promptTokens() + reply.completionTokens())).encode()));
            }
            if (reply.done()) {
                tail.add("data: [DONE]\n\n");
            }
        }
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
        response.writeHead(); // the headers go now
        boolean[] ended = {false};
        int[] sent = {0};
        int lead = reply.kind() == Reply.Kind.STREAM ? 1 : 0; // the role chunk is not a part
        watch(request, response, textParts, sent, ended);
        step(response, reply, writes, tail, 0, lead, sent, ended, reply.firstAfter());
    }

    private void step(HttpServerResponse response, Reply reply, List<String> writes, List<String> tail, int next,
                      int lead, int[] sent, boolean[] ended, Duration delay) {
        vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            if (ended[0] || response.closed()) {
                return;
            }
            if (next < writes.size()) {
                response.write(writes.get(next));
                if (next >= lead) {
                    sent[0]++;
                }
                step(response, reply, writes, tail, next + 1, lead, sent, ended, reply.every());
                return;
            }
            tail.forEach(response::write);
            if (!reply.hangAfter()) {
                ended[0] = true;
                response.end();
            }
        });
    }

    private void watch(Recorded request, HttpServerResponse response, int total, int sent, boolean[] ended) {
        watch(request, response, total, new int[] {sent}, ended);
    }

    private void watch(Recorded request, HttpServerResponse response, int total, int[] sent, boolean[] ended) {
        response.closeHandler(v -> {
            if (!ended[0]) {
                ended[0] = true;
                disconnects.add(new Disconnect(request.index(), sent[0], total, Instant.now()));
            }
        });
    }

    private static String chunk(Recorded request, JsonObject delta, String finishReason) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return new JsonObject().put("id", "chatcmpl-standin-" + request.index()).put("object", "chat.completion.chunk")
                .put("created", Instant.now().getEpochSecond()).put("model", request.model())
                .put("choices", new JsonArray().add(choice)).encode();
    }

    private static String event(String data) {
        return "data: " + data + "\n\n";
    }

    private static void await(Duration timeout, java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
