package io.agentyard.identity.user;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/** What admins do to accounts. */
@Tag(name = "Users", description = "What admins do to accounts")
@Path("/api/users")
@RolesAllowed(Roles.ADMIN)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    private final UserService users;
    private final JsonWebToken jwt;

    UserResource(UserService users, JsonWebToken jwt) {
        this.users = users;
        this.jwt = jwt;
    }

    @GET
    @Operation(operationId = "listUsers", summary = "List users, oldest first, optionally by role and active flag")
    public Uni<Page<UserResponse>> list(@QueryParam("role") UserRole role, @QueryParam("active") Boolean active,
                                        @Valid @BeanParam PageRequest page) {
        return users.list(new UserRepository.Filter(role, active), page);
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getUser", summary = "Read a user")
    public Uni<UserResponse> get(@PathParam("id") UUID id) {
        return users.get(id);
    }

    @PUT
    @Path("/{id}/role")
    @APIResponse(responseCode = "409", description = "The change would leave no active admin")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "changeUserRole", summary = "Change a user's role")
    public Uni<UserResponse> changeRole(@PathParam("id") UUID id, @Valid @NotNull UserRequests.RoleChange change) {
        return users.changeRole(Caller.from(jwt).id(), id, change.role());
    }

    @POST
    @Path("/{id}/deactivate")
    @APIResponse(responseCode = "409", description = "The change would leave no active admin")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "deactivateUser", summary = "Deactivate a user: no more sign-ins or refreshes, sessions revoked")
    public Uni<UserResponse> deactivate(@PathParam("id") UUID id) {
        return users.deactivate(Caller.from(jwt).id(), id);
    }

    @POST
    @Path("/{id}/activate")
    @Operation(operationId = "activateUser", summary = "Re-activate a deactivated user")
    public Uni<UserResponse> activate(@PathParam("id") UUID id) {
        return users.activate(id);
    }
}
