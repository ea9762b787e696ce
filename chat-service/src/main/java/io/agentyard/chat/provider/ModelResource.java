package io.agentyard.chat.provider;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agentyard.chat.llm.ChatCompletions;
import io.agentyard.chat.llm.ProbeResult;
import io.agentyard.shared.security.Roles;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** The models agents may use: those of enabled providers. Admins and developers can try one. */
@Tag(name = "Models", description = "The models agents may use")
@Path("/api/models")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ModelResource {

    private final ProviderService providers;
    private final ChatCompletions completions;

    ModelResource(ProviderService providers, ChatCompletions completions) {
        this.providers = providers;
        this.completions = completions;
    }

    @GET
    @Operation(operationId = "listModels", summary = "The models of enabled providers, by provider then in each provider's order")
    public Uni<List<ModelDtos.ModelResponse>> list() {
        return providers.offeredModels();
    }

    @GET
    @Path("/{id: .+}")
    @Operation(operationId = "getModel", summary = "One model by id <provider>/<model> (the model part may hold slashes)")
    public Uni<ModelDtos.ModelResponse> get(@PathParam("id") String id) {
        return providers.offeredModel(id);
    }

    @POST
    @Path("/test")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
    @Operation(operationId = "testModel", summary = "Send a tiny completion to the model through the chat client: 200 {ok, latencyMs, error?}"
            + " whether the provider answered or not; 422 when the catalogue lacks the provider or model")
    public Uni<ProbeResult> test(@Valid @NotNull ModelDtos.ModelTest request) {
        return completions.probe(request.provider(), request.model());
    }
}
