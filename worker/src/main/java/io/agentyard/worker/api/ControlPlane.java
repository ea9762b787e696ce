package io.agentyard.worker.api;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentyard.worker.config.Endpoints;

/**
 * The suite's REST API as the worker uses it: JSON over HTTP with the worker's bearer token, which
 * it exchanges its client credentials for and renews before it expires (and once more when a
 * service answers 401, e.g. after the signing keys rotated). Blocking calls: the worker is a
 * command-line program whose threads wait on child processes anyway.
 */
public final class ControlPlane {

    public static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    /** Renew this long before the token expires, so a call never carries one about to lapse. */
    private static final Duration RENEW_BEFORE = Duration.ofSeconds(60);

    private final Endpoints endpoints;
    private final HttpClient http;
    private final Supplier<Credentials> credentials;
    private String token;
    private Instant tokenExpiresAt = Instant.EPOCH;

    /** The worker's client credentials (or, while registering, none: {@code null}). */
    public record Credentials(String clientId, String clientSecret) {
    }

    public ControlPlane(Endpoints endpoints, Supplier<Credentials> credentials) {
        this.endpoints = endpoints;
        this.credentials = credentials;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    // --- identity-service ---------------------------------------------------------------------

    /** A person's sign-in (registration with an admin's credentials): their access token. */
    public String login(String username, String password) {
        ObjectNode body = JSON.createObjectNode().put("username", username).put("password", password);
        return send("POST", endpoints.identity() + "/api/auth/login", body, null, null, Duration.ofSeconds(20))
                .path("accessToken").asText();
    }

    public JsonNode createEnrollmentToken(String adminToken, String name) {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("expiresInSeconds", 600);
        return send("POST", endpoints.identity() + "/api/enrollment-tokens", body, adminToken, null, CALL_TIMEOUT);
    }

    /** Exchanges a one-time enrollment token for the worker's own credentials: {clientId, clientSecret, workerId}. */
    public JsonNode enroll(String enrollmentToken, String name) {
        ObjectNode body = JSON.createObjectNode().put("enrollmentToken", enrollmentToken).put("name", name);
        return send("POST", endpoints.identity() + "/api/auth/enroll", body, null, null, CALL_TIMEOUT);
    }

    /** The worker's access token, renewed when it is close to expiring. */
    public synchronized String token() {
        if (token == null || Instant.now().isAfter(tokenExpiresAt)) {
            Credentials own = credentials.get();
            if (own == null) {
                throw new IllegalStateException("this worker has no credentials yet: run `agentyard-worker register`");
            }
            Instant asked = Instant.now();
            JsonNode answer = send("POST", endpoints.identity() + "/api/auth/token", JSON.createObjectNode()
                    .put("clientId", own.clientId()).put("clientSecret", own.clientSecret()), null, null, CALL_TIMEOUT);
            token = answer.path("accessToken").asText();
            // renew a minute early, or halfway through a token that lives less than two minutes
            long lifetime = answer.path("expiresIn").asLong(300);
            tokenExpiresAt = asked.plusSeconds(lifetime).minus(RENEW_BEFORE).plusSeconds(Math.max(0, 120 - lifetime) / 2);
        }
        return token;
    }

    private synchronized void forgetToken(String stale) {
        if (stale.equals(token)) {
            token = null;
        }
    }

    // --- calls as the worker --------------------------------------------------------------------

    public JsonNode get(String url) {
        return call("GET", url, null, null, CALL_TIMEOUT);
    }

    public JsonNode post(String url, Object body) {
        return call("POST", url, body, null, CALL_TIMEOUT);
    }

    public JsonNode post(String url, Object body, Map<String, String> headers, Duration timeout) {
        return call("POST", url, body, headers, timeout);
    }

    public JsonNode put(String url, Object body) {
        return call("PUT", url, body, null, CALL_TIMEOUT);
    }

    public JsonNode patch(String url, Object body) {
        return call("PATCH", url, body, null, CALL_TIMEOUT);
    }

    /** A call with the worker's token; a 401 renews the token once and tries again. */
    private JsonNode call(String method, String url, Object body, Map<String, String> headers, Duration timeout) {
        String bearer = token();
        try {
            return send(method, url, body, bearer, headers, timeout);
        } catch (ApiException e) {
            if (!e.is(401)) {
                throw e;
            }
            forgetToken(bearer);
            return send(method, url, body, token(), headers, timeout);
        }
    }

    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode send(String method, String url, Object body, String bearer, Map<String, String> headers,
                          Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Accept", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (headers != null) {
            headers.forEach(request::header);
        }
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] answer = response.body();
            JsonNode json = answer.length == 0 ? JSON.missingNode() : readOrText(answer);
            if (response.statusCode() >= 400) {
                throw refusal(method, url, response.statusCode(), json);
            }
            return json;
        } catch (IOException e) {
            throw new ApiException(0, null, "cannot reach " + hostOf(url) + " (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, null, "interrupted while calling " + hostOf(url), e);
        }
    }

    private static JsonNode readOrText(byte[] answer) {
        try {
            return JSON.readTree(answer);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(new String(answer, StandardCharsets.UTF_8));
        }
    }

    private static ApiException refusal(String method, String url, int status, JsonNode problem) {
        String type = problem.path("type").asText(null);
        String shortType = type == null ? null : type.substring(type.lastIndexOf('/') + 1);
        String detail = problem.path("detail").asText(problem.path("title").asText(problem.isTextual()
                ? problem.asText() : ""));
        String path = URI.create(url).getPath();
        return new ApiException(status, shortType, method + " " + path + " answered " + status
                + (detail.isBlank() ? "" : ": " + detail), null);
    }

    private static String hostOf(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
