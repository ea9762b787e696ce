package io.agentyard.identity.enrollment;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/** One-time tokens that let a new worker machine enroll itself (POST /api/auth/enroll). */
@Tag(name = "Enrollment tokens", description = "One-time tokens that let a new worker machine enroll itself (POST /api/auth/enroll)")
@Path("/api/enrollment-tokens")
@RolesAllowed(Roles.ADMIN)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class EnrollmentTokenResource {

    private final EnrollmentService enrollment;
    private final JsonWebToken jwt;

    EnrollmentTokenResource(EnrollmentService enrollment, JsonWebToken jwt) {
        this.enrollment = enrollment;
        this.jwt = jwt;
    }

    @POST
    @APIResponseSchema(value = EnrollmentTokenDtos.Created.class, responseCode = "201", responseDescription = "The token (shown once) and its expiry")
    @Operation(operationId = "createEnrollmentToken", summary = "Create an enrollment token; the token is in this response only")
    public Uni<RestResponse<EnrollmentTokenDtos.Created>> create(@Valid EnrollmentTokenDtos.Create request) {
        return enrollment.create(Caller.from(jwt).id(), request).map(created ->
                RestResponse.ResponseBuilder.<EnrollmentTokenDtos.Created>created(
                        URI.create("/api/enrollment-tokens/" + created.id())).entity(created).build());
    }

    @GET
    @Operation(operationId = "listEnrollmentTokens", summary = "List enrollment tokens, newest first (never the tokens themselves)")
    public Uni<Page<EnrollmentTokenDtos.TokenResponse>> list(@Valid @BeanParam PageRequest page) {
        return enrollment.list(page);
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getEnrollmentToken", summary = "Read an enrollment token: its state, and the client its use created")
    public Uni<EnrollmentTokenDtos.TokenResponse> get(@PathParam("id") UUID id) {
        return enrollment.get(id);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    @APIResponse(responseCode = "409", description = "The token was already used")
    @APIResponse(responseCode = "204", description = "Done")
    @Operation(operationId = "revokeEnrollmentToken", summary = "Revoke an enrollment token (409 once it was used)")
    public Uni<Void> revoke(@PathParam("id") UUID id) {
        return enrollment.revoke(id);
    }
}
