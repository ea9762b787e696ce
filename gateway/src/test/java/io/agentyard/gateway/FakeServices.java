package io.agentyard.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/**
 * One stand-in for every service but chat-service, which is down (its address has no listener). It answers
 * any request with what it received (method, path, the X-Forwarded headers, the body's length) and a CORS
 * header of its own; streams SSE on /api/executions/{id}/logs/stream, one event, then another
 * {@link #SSE_GAP_MS} later; and echoes WebSocket text frames on /api/executions/{id}/live.
 */
public class FakeServices implements QuarkusTestResourceLifecycleManager {

    static final long SSE_GAP_MS = 3000;
    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer()
                .webSocketHandler(ws -> ws.textMessageHandler(text -> ws.writeTextMessage("echo:" + text)))
                .requestHandler(request -> {
                    if (request.path().endsWith("/logs/stream")) {
                        request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
                        request.response().write("data: first\n\n");
                        vertx.setTimer(SSE_GAP_MS, t -> request.response().end("data: second\n\n"));
                        return;
                    }
                    request.body().onSuccess(body -> request.response()
                            .putHeader("Content-Type", "application/json")
                            .putHeader("Access-Control-Allow-Origin", "*")
                            .end(new JsonObject().put("method", request.method().name()).put("uri", request.uri())
                                    .put("forwardedFor", request.getHeader("X-Forwarded-For"))
                                    .put("forwardedProto", request.getHeader("X-Forwarded-Proto"))
                                    .put("forwardedHost", request.getHeader("X-Forwarded-Host"))
                                    .put("bodyLength", body.length()).encode()));
                });
        int port;
        try {
            port = server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String url = "http://127.0.0.1:" + port;
        Map<String, String> config = new HashMap<>();
        for (String service : new String[] {"identity-service", "agent-service", "task-service", "execution-service"}) {
            config.put("agentyard.gateway.services." + service, url);
        }
        config.put("agentyard.gateway.services.chat-service", "http://127.0.0.1:" + closedPort());
        return config;
    }

    /** A port nothing listens on. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
