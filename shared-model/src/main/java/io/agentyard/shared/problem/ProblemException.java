package io.agentyard.shared.problem;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Thrown by services to end a request with a specific problem response. The shared mapper turns it
 * into {@code application/problem+json}; {@code retryAfter}, when set, becomes a Retry-After header.
 * It is a WebApplicationException so that JAX-RS passes it through unchanged from anywhere in the
 * request, parameter converters included.
 */
public class ProblemException extends jakarta.ws.rs.WebApplicationException {

    private final int status;
    private final String title;
    private final URI type;
    private final List<Problem.FieldError> errors;
    private final Duration retryAfter;

    public ProblemException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, null, null);
    }

    private URI location;

    public ProblemException(int status, String slug, String title, String detail,
                            List<Problem.FieldError> errors, Duration retryAfter) {
        super(detail, status);
        this.status = status;
        this.title = title;
        this.type = slug == null ? URI.create("about:blank") : URI.create(Problem.TYPE_BASE + slug);
        this.errors = errors;
        this.retryAfter = retryAfter;
    }

    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(400, "validation", "Validation failed", field + ": " + message,
                List.of(new Problem.FieldError(field, message)), null);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "unauthorized", "Unauthorized", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail);
    }

    public static ProblemException notFound(String what, Object id) {
        return new ProblemException(404, "not-found", "Not found", what + " " + id + " does not exist");
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict", detail);
    }

    /** Fails with 409 and {@code detail} when {@code taken} yields true, e.g. a unique name already in use. */
    public static io.smallrye.mutiny.Uni<Void> conflictIf(io.smallrye.mutiny.Uni<Boolean> taken, String detail) {
        return taken.invoke(yes -> {
            if (yes) {
                throw conflict(detail);
            }
        }).replaceWithVoid();
    }

    /** 422: the request is well-formed but {@code field} names something that cannot be used. */
    public static ProblemException unprocessable(String field, String message) {
        return new ProblemException(422, "unprocessable", "Unprocessable content", field + ": " + message,
                List.of(new Problem.FieldError(field, message)), null);
    }

    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported media type", detail);
    }

    public static ProblemException payloadTooLarge(String detail) {
        return new ProblemException(413, "payload-too-large", "Payload too large", detail);
    }

    /** 503: a service this request needs is down or failing; worth retrying after {@code retryAfter}. */
    public static ProblemException serviceUnavailable(String detail, Duration retryAfter) {
        return new ProblemException(503, "service-unavailable", "Service unavailable", detail, null, retryAfter);
    }

    public static ProblemException tooManyRequests(String detail, Duration retryAfter) {
        return new ProblemException(429, "too-many-requests", "Too many requests", detail, null, retryAfter);
    }

    /** The problem body this exception answers with, for the request at {@code instance}. */
    public Problem problem(String instance) {
        return new Problem(type, title, status, getMessage(), instance, errors);
    }

    /** Headers the answer carries besides the body: Retry-After when set, WWW-Authenticate on 401. */
    /**
     * Points the client at what the failed request still created (a conversation that now holds the
     * error, say): answered as the {@code Location} header.
     */
    public ProblemException withLocation(URI location) {
        this.location = location;
        return this;
    }

    public java.util.Map<String, String> headers() {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (location != null) {
            headers.put("Location", location.toString());
        }
        if (retryAfter != null) {
            headers.put("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        if (status == 401) {
            headers.put("WWW-Authenticate", "Bearer");
        }
        return headers;
    }

    /** No stack trace: these are expected outcomes, not bugs. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI type() {
        return type;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
