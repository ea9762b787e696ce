package io.agentyard.chat.provider;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.agentyard.shared.security.Roles;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** The providers of the catalogue: anyone signed in reads them (never their keys); admins change them. */
@Tag(name = "Providers", description = "The providers of the catalogue")
@Path("/api/providers")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ProviderResource {

    private final ProviderService providers;

    ProviderResource(ProviderService providers) {
        this.providers = providers;
    }

    @GET
    @Operation(operationId = "listProviders", summary = "Every provider with its models, by name; whether a key is configured, never the key")
    public Uni<List<ProviderDtos.ProviderResponse>> list() {
        return providers.list();
    }

    @GET
    @Path("/{provider}")
    @Operation(operationId = "getProvider", summary = "One provider with its models")
    public Uni<ProviderDtos.ProviderResponse> get(@PathParam("provider") String provider) {
        return providers.get(provider);
    }

    @POST
    @Path("/{provider}")
    @RolesAllowed(Roles.ADMIN)
    @APIResponse(responseCode = "201", description = "Added to the catalogue", content = @Content(schema = @Schema(implementation = ProviderDtos.ProviderResponse.class)))
    @APIResponse(responseCode = "200", description = "Changed", content = @Content(schema = @Schema(implementation = ProviderDtos.ProviderResponse.class)))
    @Operation(operationId = "saveProvider", summary = "Create a provider (201) or change the fields given (200); apiKey is write-only, \"\" clears it")
    public Uni<RestResponse<ProviderDtos.ProviderResponse>> save(
            @PathParam("provider") @Pattern(regexp = ProviderNames.NAME, message = ProviderNames.NAME_RULE) String provider,
            @Valid @NotNull ProviderDtos.ProviderUpdate update) {
        return providers.save(provider, update).map(saved -> saved.created()
                ? RestResponse.ResponseBuilder.<ProviderDtos.ProviderResponse>created(
                        URI.create("/api/providers/" + provider)).entity(saved.provider()).build()
                : RestResponse.ok(saved.provider()));
    }
}
