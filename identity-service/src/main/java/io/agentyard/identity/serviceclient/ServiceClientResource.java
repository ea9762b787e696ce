package io.agentyard.identity.serviceclient;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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

/** Machine identities for workers and services (client-credentials grant at /api/auth/token). */
@Tag(name = "Service clients", description = "Machine identities for workers and services (client-credentials grant at /api/auth/token)")
@Path("/api/service-clients")
@RolesAllowed(Roles.ADMIN)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ServiceClientResource {

    private final ServiceClientService clients;
    private final JsonWebToken jwt;

    ServiceClientResource(ServiceClientService clients, JsonWebToken jwt) {
        this.clients = clients;
        this.jwt = jwt;
    }

    @POST
    @APIResponseSchema(value = ServiceClientDtos.ClientResponse.class, responseCode = "201", responseDescription = "The client and its secret (shown once)")
    @APIResponse(responseCode = "409", description = "A client of that name exists")
    @Operation(operationId = "createServiceClient", summary = "Create a client; its secret is in this response only")
    public Uni<RestResponse<ServiceClientDtos.ClientResponse>> create(
            @Valid @NotNull ServiceClientDtos.Create request) {
        return clients.create(Caller.from(jwt).id(), request).map(client ->
                RestResponse.ResponseBuilder.<ServiceClientDtos.ClientResponse>created(
                        URI.create("/api/service-clients/" + client.id())).entity(client).build());
    }

    @GET
    @Operation(operationId = "listServiceClients", summary = "List clients, oldest first")
    public Uni<Page<ServiceClientDtos.ClientResponse>> list(@Valid @BeanParam PageRequest page) {
        return clients.list(page);
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getServiceClient", summary = "Read a client (never its secret)")
    public Uni<ServiceClientDtos.ClientResponse> get(@PathParam("id") UUID id) {
        return clients.get(id);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    @Operation(operationId = "revokeServiceClient", summary = "Revoke a client: its secret stops working")
    public Uni<Void> revoke(@PathParam("id") UUID id) {
        return clients.revoke(id);
    }
}
