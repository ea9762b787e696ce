package io.agentyard.shared.problem;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, the body of every error response Agentyard sends
 * ({@code application/problem+json}).
 *
 * @param type     a URI naming the kind of problem ({@code about:blank} when the status says it all)
 * @param title    short, human-readable summary of the kind of problem
 * @param status   the HTTP status code
 * @param detail   explanation specific to this occurrence
 * @param instance the request path the problem occurred on
 * @param errors   per-field validation failures, present only for validation problems
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(URI type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://agentyard.io/problems/";

    /** One invalid field: its JSON path (e.g. {@code email}) and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}
