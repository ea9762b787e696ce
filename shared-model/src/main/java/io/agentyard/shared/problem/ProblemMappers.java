package io.agentyard.shared.problem;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;

/**
 * Turns every exception a request can end with into an RFC 9457 problem response, the same way in
 * every service. Expected failures carry a clear detail; anything unexpected becomes a 500 whose
 * detail is only an error id that also appears in the log, never a stack trace.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder builder = build(e.problem(path(uri)));
        e.headers().forEach(builder::header);
        return builder.build();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field).thenComparing(Problem.FieldError::message))
                .toList();
        String detail = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
        return build(new Problem(type("validation"), "Validation failed", 400, detail, path(uri), errors)).build();
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        String field = jsonPath(e);
        return build(new Problem(type("validation"), "Validation failed", 400, "unknown field '" + field + "'",
                path(uri), List.of(new Problem.FieldError(field, "unknown field")))).build();
    }

    @ServerExceptionMapper
    public Response invalidValue(InvalidFormatException e, UriInfo uri) {
        String field = jsonPath(e);
        String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
        return build(new Problem(type("validation"), "Validation failed", 400,
                field + ": must be " + expected, path(uri),
                List.of(new Problem.FieldError(field, "must be " + expected)))).build();
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        String field = jsonPath(e);
        if (field.isEmpty()) {
            return malformed("the request body is missing or is not the expected JSON object", uri);
        }
        String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
        return build(new Problem(type("validation"), "Validation failed", 400, field + ": must be " + expected,
                path(uri), List.of(new Problem.FieldError(field, "must be " + expected)))).build();
    }

    /** A constructor or creator refused a value (e.g. an unknown enum name): name the field. */
    @ServerExceptionMapper
    public Response refusedValue(ValueInstantiationException e, UriInfo uri) {
        String field = jsonPath(e);
        String message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : "has an invalid value";
        return build(new Problem(type("validation"), "Validation failed", 400, field + ": " + message, path(uri),
                List.of(new Problem.FieldError(field, message)))).build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return unknownField(unknown, uri);
        }
        if (e instanceof InvalidFormatException invalid) {
            return invalidValue(invalid, uri);
        }
        if (e instanceof ValueInstantiationException refused) {
            return refusedValue(refused, uri);
        }
        if (e instanceof MismatchedInputException mismatched) {
            return mismatchedInput(mismatched, uri);
        }
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return malformed("the request body is not valid JSON" + where, uri);
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, UriInfo uri) {
        return unauthorized("the access token is missing, invalid or expired", uri);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, UriInfo uri) {
        return unauthorized("authentication is required", uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return build(new Problem(type("forbidden"), "Forbidden", 403,
                "your role does not allow this operation", path(uri), null)).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        JsonProcessingException json = find(e, JsonProcessingException.class);
        if (status == 400 && json != null) {
            return malformedJson(json, uri); // the JSON reader wraps its parse errors
        }
        if (status >= 500) {
            return internal(e, uri);
        }
        if (status == 404 && e.getCause() instanceof IllegalArgumentException refused) {
            // JAX-RS answers 404 to a query value it cannot convert; a path that is no id stays a 404
            Response bad = badQueryParameter(refused, uri);
            if (bad != null) {
                return bad;
            }
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        Response.ResponseBuilder builder = build(new Problem(URI.create("about:blank"), title, status,
                e.getMessage(), path(uri), null));
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return builder.build();
    }

    /**
     * A query parameter whose value could not be read (a number out of range, a malformed UUID): 400
     * naming the parameter, found by its value in the request; null when no query value is to blame.
     */
    private Response badQueryParameter(IllegalArgumentException e, UriInfo uri) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        for (List<String> values : uri.getPathParameters().values()) {
            if (values.stream().anyMatch(candidate -> names(message, candidate))) {
                return null; // a path segment that is no id: not found
            }
        }
        String field = null;
        String value = null;
        for (Map.Entry<String, List<String>> parameter : uri.getQueryParameters().entrySet()) {
            for (String candidate : parameter.getValue()) {
                if (names(message, candidate)) {
                    field = parameter.getKey();
                    value = candidate;
                }
            }
        }
        if (field == null) {
            return null;
        }
        String rule = e instanceof NumberFormatException ? "must be a whole number in range" : "has an invalid value";
        String detail = field + ": " + rule + " (got '" + value + "')";
        return build(new Problem(type("validation"), "Validation failed", 400, detail, path(uri),
                List.of(new Problem.FieldError(field, rule)))).build();
    }

    /**
     * Whether a converter's message names {@code value} as the one it refused: quoted
     * ({@code For input string: "abc"}) or at its end ({@code Invalid UUID string: abc}), not merely
     * somewhere inside (a one-letter value would be found in any message).
     */
    private static boolean names(String message, String value) {
        return !value.isEmpty() && (message.contains("\"" + value + "\"") || message.endsWith(" " + value)
                || message.endsWith("." + value));
    }

    /** Constraint violations raised by PostgreSQL: a race that passed the service's own checks. */
    @ServerExceptionMapper
    public Response database(PgException e, UriInfo uri) {
        return switch (e.getSqlState()) {
            case "23505" -> build(new Problem(type("conflict"), "Conflict", 409,
                    "a resource with the same unique value already exists", path(uri), null)).build();
            case "23503", "23514" -> build(new Problem(type("conflict"), "Conflict", 409,
                    "the change conflicts with the current state of related data", path(uri), null)).build();
            default -> internal(e, uri);
        };
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        PgException pg = find(e, PgException.class);
        if (pg != null) {
            return database(pg, uri);
        }
        ConstraintViolationException violation = find(e, ConstraintViolationException.class);
        if (violation != null) {
            return validation(violation, uri);
        }
        return internal(e, uri);
    }

    private Response internal(Throwable e, UriInfo uri) {
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s on %s", errorId, path(uri));
        return build(new Problem(type("internal"), "Internal error", 500,
                "an unexpected error occurred (error id " + errorId + ")", path(uri), null)).build();
    }

    private Response unauthorized(String detail, UriInfo uri) {
        return build(new Problem(type("unauthorized"), "Unauthorized", 401, detail, path(uri), null))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    private Response malformed(String detail, UriInfo uri) {
        return build(new Problem(type("malformed-request"), "Malformed request", 400, detail, path(uri), null))
                .build();
    }

    private static Response.ResponseBuilder build(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }

    private static URI type(String slug) {
        return URI.create(Problem.TYPE_BASE + slug);
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getRequestUri().getRawPath();
    }

    /** The field path of a bean-validation failure without the method and parameter prefix. */
    private static String fieldName(ConstraintViolation<?> violation) {
        StringBuilder name = new StringBuilder();
        boolean pastParameter = false;
        for (Path.Node node : violation.getPropertyPath()) {
            switch (node.getKind()) {
                case METHOD, CONSTRUCTOR, RETURN_VALUE -> {
                }
                case PARAMETER -> pastParameter = true;
                default -> {
                    if (name.length() > 0) {
                        name.append('.');
                    }
                    name.append(node.getName());
                }
            }
        }
        if (name.length() == 0 && pastParameter) {
            // A violation on the parameter itself: name it (query parameters, a missing body).
            for (Path.Node node : violation.getPropertyPath()) {
                if (node.getKind() == jakarta.validation.ElementKind.PARAMETER) {
                    return node.getName();
                }
            }
        }
        return name.toString();
    }

    private static String jsonPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String describe(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.toString().toLowerCase()).collect(Collectors.joining(", "));
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 timestamp";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
