package io.agentyard.chat.message;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.Cancellable;

import io.agentyard.chat.reply.AgentReplies;
import io.agentyard.shared.page.CursorPage;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/**
 * Messages of a conversation: post (a person's message to an agent's conversation is answered by
 * the agent, streamed), stream in chunks, finish, stop, edit, delete, list and read threads.
 */
@Tag(name = "Messages", description = "Messages of a conversation")
@Path("/api/conversations/{conversationId}/messages")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE, Roles.WORKER})
public class MessageResource {

    private static final String LIMIT_RULE = "must be between 1 and 200";

    private final MessageService messages;
    private final AgentReplies replies;
    private final JsonWebToken jwt;

    MessageResource(MessageService messages, AgentReplies replies, JsonWebToken jwt) {
        this.messages = messages;
        this.replies = replies;
        this.jwt = jwt;
    }

    @GET
    @Operation(operationId = "listMessages", summary = "Messages oldest first; filter by parent (a thread), type or sender; page with ?cursor=")
    public Uni<CursorPage<MessageDtos.MessageResponse>> list(
            @PathParam("conversationId") UUID conversationId, @QueryParam("parentId") UUID parentId,
            @QueryParam("messageType") MessageType type, @QueryParam("senderType") SenderType senderType,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("50") @Min(value = 1, message = LIMIT_RULE)
            @Max(value = 200, message = LIMIT_RULE) int limit) {
        return messages.list(Caller.from(jwt), conversationId, new MessageService.Filter(parentId, type, senderType),
                cursor, limit);
    }

    @Cancellable(false) // a client that leaves does not undo what was stored: the work finishes
    @POST
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE, Roles.WORKER})
    @APIResponseSchema(value = MessageDtos.MessageResponse.class, responseCode = "201", responseDescription = "The message, posted; Location names it")
    @APIResponse(responseCode = "409", description = "The conversation is archived, or the question was already answered")
    @APIResponse(responseCode = "422", description = "The parent message is not of this conversation, or the agent has no usable model")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "text", value = """
                        {"content": "Please also cover the refresh-token path.", "messageType": "text"}
                        """)))
    @Operation(operationId = "postMessage", summary = "Post a message; in a conversation with an agent, a person's text is answered by the agent"
            + " (its reply streams on the conversation's stream)")
    public Uni<RestResponse<MessageDtos.MessageResponse>> create(@PathParam("conversationId") UUID conversationId,
                                                                 @Valid @NotNull MessageDtos.NewMessage request) {
        Caller caller = Caller.from(jwt);
        return replies.post(caller, "Bearer " + jwt.getRawToken(), conversationId, request)
                .map(posted -> RestResponse.ResponseBuilder.<MessageDtos.MessageResponse>created(URI.create("/api/conversations/" + conversationId
                                + "/messages/" + posted.message().id())).entity(posted.message())
                        .header("X-Reply-Message-Id", posted.reply() == null ? null : posted.reply().id().toString())
                        .build());
    }

    @GET
    @Path("/{messageId}")
    @Operation(operationId = "getMessage", summary = "One message with its attachments")
    public Uni<MessageDtos.MessageResponse> get(@PathParam("conversationId") UUID conversationId,
                                                @PathParam("messageId") UUID messageId) {
        return messages.get(Caller.from(jwt), conversationId, messageId);
    }

    @GET
    @Path("/{messageId}/thread")
    @Operation(operationId = "getMessageThread", summary = "A message and its replies, oldest first")
    public Uni<MessageDtos.Thread> thread(@PathParam("conversationId") UUID conversationId,
                                          @PathParam("messageId") UUID messageId) {
        return messages.thread(Caller.from(jwt), conversationId, messageId);
    }

    @POST
    @Path("/{messageId}/chunks")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE, Roles.WORKER})
    @APIResponse(responseCode = "409", description = "The message is not streaming")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "appendMessageChunk", summary = "Append the next chunk (sequence 1, 2, ...) to a streaming message; a repeat is not applied twice")
    public Uni<MessageDtos.MessageResponse> chunk(@PathParam("conversationId") UUID conversationId,
                                                  @PathParam("messageId") UUID messageId,
                                                  @Valid @NotNull MessageDtos.Chunk chunk) {
        return messages.appendChunk(Caller.from(jwt), conversationId, messageId, chunk);
    }

    @POST
    @Path("/{messageId}/finish")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE, Roles.WORKER})
    @APIResponse(responseCode = "409", description = "The message is not streaming")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "finishMessage", summary = "End a streaming message as complete, merging metadata")
    public Uni<MessageDtos.MessageResponse> finish(@PathParam("conversationId") UUID conversationId,
                                                   @PathParam("messageId") UUID messageId,
                                                   @Valid MessageDtos.Finish finish) {
        return messages.finish(Caller.from(jwt), conversationId, messageId, finish);
    }

    @POST
    @Path("/{messageId}/stop")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE, Roles.WORKER})
    @APIResponse(responseCode = "409", description = "The message is not streaming")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "stopMessage", summary = "Stop a streaming message where it is; an agent's generation is cancelled upstream")
    public Uni<MessageDtos.MessageResponse> stop(@PathParam("conversationId") UUID conversationId,
                                                 @PathParam("messageId") UUID messageId) {
        return replies.stop(Caller.from(jwt), conversationId, messageId);
    }

    @PATCH
    @Path("/{messageId}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE, Roles.WORKER})
    @APIResponse(responseCode = "409", description = "The message is streaming, or not the caller's to edit")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "editMessage", summary = "Edit a message's text (its sender); the previous text is kept")
    public Uni<MessageDtos.MessageResponse> edit(@PathParam("conversationId") UUID conversationId,
                                                 @PathParam("messageId") UUID messageId,
                                                 @Valid @NotNull MessageDtos.Edit edit) {
        return messages.edit(Caller.from(jwt), conversationId, messageId, edit);
    }

    @DELETE
    @Path("/{messageId}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE, Roles.WORKER})
    @ResponseStatus(204)
    @APIResponse(responseCode = "409", description = "The message is streaming")
    @APIResponse(responseCode = "204", description = "Done")
    @Operation(operationId = "deleteMessage", summary = "Delete a message and its attachments (its sender, the conversation's owner or an admin)")
    public Uni<Void> delete(@PathParam("conversationId") UUID conversationId, @PathParam("messageId") UUID messageId) {
        return messages.delete(Caller.from(jwt), conversationId, messageId);
    }
}
