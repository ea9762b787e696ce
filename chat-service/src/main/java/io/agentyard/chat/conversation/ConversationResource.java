package io.agentyard.chat.conversation;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

import io.agentyard.chat.message.MessageService;
import io.agentyard.shared.page.CursorPage;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/**
 * Conversations (AgentDB9's endpoints, plus rename, archive and filters). Read by their owner,
 * admins, viewers and services, and by the worker holding their task; opened by people (and by a
 * worker for its task). The live stream is {@code GET /api/conversations/{id}/stream}
 * ({@link io.agentyard.chat.stream.ConversationStreamRoute}).
 */
@Tag(name = "Conversations", description = "Conversations (AgentDB9's endpoints, plus rename, archive and filters)")
@Path("/api/conversations")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE, Roles.WORKER})
public class ConversationResource {

    static final String LIMIT_RULE = "must be between 1 and 100";

    private final ConversationService conversations;
    private final MessageService messages;
    private final JsonWebToken jwt;

    ConversationResource(ConversationService conversations, MessageService messages, JsonWebToken jwt) {
        this.conversations = conversations;
        this.messages = messages;
        this.jwt = jwt;
    }

    public static class ListParams {

        @QueryParam("projectId")
        public UUID projectId;

        @QueryParam("taskId")
        public UUID taskId;

        /** Active by default; {@code archived} lists the archived ones. */
        @QueryParam("status")
        public ConversationStatus status;

        /** The {@code nextCursor} of the previous page. */
        @QueryParam("cursor")
        public String cursor;

        @QueryParam("limit")
        @DefaultValue("20")
        @Min(value = 1, message = LIMIT_RULE)
        @Max(value = 100, message = LIMIT_RULE)
        public int limit;
    }

    @GET
    @Operation(operationId = "listConversations", summary = "List conversations the caller may read, newest first; filter by agent, project, task, status")
    public Uni<CursorPage<ConversationDtos.ConversationResponse>> list(@QueryParam("agentId") UUID agentId,
                                                                       @Valid @BeanParam ListParams params) {
        return conversations.list(Caller.from(jwt), new ConversationService.Filter(agentId, params.projectId,
                params.taskId, params.status), params.cursor, params.limit);
    }

    @GET
    @Path("/agent/{agentId}")
    @Operation(operationId = "listAgentConversations", summary = "Conversations with an agent, newest first")
    public Uni<CursorPage<ConversationDtos.ConversationResponse>> ofAgent(@PathParam("agentId") UUID agentId,
                                                                          @Valid @BeanParam ListParams params) {
        return list(agentId, params);
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getConversation", summary = "A conversation with its latest messages (oldest first)")
    public Uni<ConversationDtos.ConversationWithMessages> get(@PathParam("id") UUID id) {
        Caller caller = Caller.from(jwt);
        return conversations.readable(caller, id).chain(conversation -> messages.latest(id).map(latest ->
                new ConversationDtos.ConversationWithMessages(ConversationDtos.ConversationResponse.from(conversation),
                        latest.messages(), latest.earlier())));
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.WORKER})
    @APIResponseSchema(value = ConversationDtos.ConversationResponse.class, responseCode = "201", responseDescription = "The conversation, opened; Location names it")
    @APIResponse(responseCode = "422", description = "The agent, project or task it names cannot be used")
    @Operation(operationId = "createConversation", summary = "Open a conversation (201); a task's conversation that exists already is answered as it is (200)")
    public Uni<RestResponse<ConversationDtos.ConversationResponse>> create(
            @Valid @NotNull ConversationDtos.NewConversation request) {
        return conversations.create(Caller.from(jwt), "Bearer " + jwt.getRawToken(), request).map(opened -> opened.created()
                ? RestResponse.ResponseBuilder.<ConversationDtos.ConversationResponse>created(
                        URI.create("/api/conversations/" + opened.conversation().id())).entity(opened.conversation()).build()
                : RestResponse.ok(opened.conversation()));
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
    @APIResponse(responseCode = "409", description = "The conversation is archived")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "updateConversation", summary = "Rename, archive (status archived) or restore (status active) a conversation")
    public Uni<ConversationDtos.ConversationResponse> update(@PathParam("id") UUID id,
                                                             @Valid @NotNull ConversationDtos.ConversationUpdate update) {
        return conversations.update(Caller.from(jwt), id, update);
    }

    @POST
    @Path("/{id}/archive")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
    @APIResponse(responseCode = "409", description = "The conversation is archived")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "archiveConversation", summary = "Archive a conversation (the notes' soft delete): read, never written")
    public Uni<ConversationDtos.ConversationResponse> archive(@PathParam("id") UUID id) {
        return conversations.update(Caller.from(jwt), id,
                new ConversationDtos.ConversationUpdate(null, ConversationStatus.archived, null));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
    @ResponseStatus(204)
    @Operation(operationId = "deleteConversation", summary = "Archive a conversation (same as POST /archive; nothing is erased)")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return archive(id).replaceWithVoid();
    }
}
