package io.agentyard.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * RFC 9457 problem bodies as the services write them (shared-model's {@code Problem}: type, title, status,
 * detail, instance), built here because the gateway does not take shared-model's database runtime.
 */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://agentyard.io/problems/";

    private Problems() {
    }

    static Buffer body(int status, String slug, String title, String detail, String instance) {
        JsonObject problem = new JsonObject().put("type", slug == null ? "about:blank" : TYPE_BASE + slug)
                .put("title", title).put("status", status).put("detail", detail).put("instance", instance);
        return problem.toBuffer();
    }

    static void send(HttpServerResponse response, int status, String slug, String title, String detail, String instance) {
        response.setStatusCode(status).putHeader("Content-Type", MEDIA_TYPE)
                .end(body(status, slug, title, detail, instance));
    }
}
