package io.agentyard.shared.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.runtime.configuration.MemorySize;

/**
 * Refuses a request whose declared body is larger than {@code agentyard.http.max-body-size} with a
 * 413 problem response before it is read. (Vert.x's own limit, set higher as a backstop for bodies
 * without a Content-Length, answers 413 with an empty body.) File uploads ({@code multipart/form-data})
 * are left to the endpoint that takes them, which bounds them itself.
 */
public class BodySizeLimit {

    private final long maxBytes;

    BodySizeLimit(@ConfigProperty(name = "agentyard.http.max-body-size", defaultValue = "1M") MemorySize max) {
        this.maxBytes = max.asLongValue();
    }

    @ServerRequestFilter(preMatching = true)
    public void checkDeclaredLength(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        MediaType type = request.getMediaType();
        if (type != null && type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE)) {
            return;
        }
        if (length != null && parse(length) > maxBytes) {
            throw ProblemException.payloadTooLarge("the request body is larger than " + maxBytes + " bytes");
        }
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
