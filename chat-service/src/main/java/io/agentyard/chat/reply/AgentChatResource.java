package io.agentyard.chat.reply;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.Cancellable;

import io.agentyard.chat.client.Agents;
import io.agentyard.chat.conversation.ConversationDtos;
import io.agentyard.chat.conversation.ConversationService;
import io.agentyard.chat.message.MessageDtos;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/**
 * AgentDB9's agent chat: one call that opens a conversation with an agent (or continues one) and
 * posts a person's text, answered by the agent. The reply streams on
 * {@code GET /api/conversations/{id}/stream}; this call answers once its first words are in.
 */
@Tag(name = "Agent chat", description = "Chat with an agent: its replies stream from the model its configuration names")
@Path("/api/agents")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
public class AgentChatResource {

    /** {@code conversationId} continues a conversation; otherwise a new one is opened (with {@code title}). */
    @Schema(name = "AgentChatRequest")
    public record ChatRequest(UUID agentId, UUID conversationId,
                              @NotBlank @Size(max = 200_000) String content,
                              @Size(max = 255) String title) {
    }

    @Schema(name = "AgentChatResponse")
    public record ChatResponse(ConversationDtos.ConversationResponse conversation, MessageDtos.MessageResponse message,
                               MessageDtos.MessageResponse reply) {
    }

    private final ConversationService conversations;
    private final Agents agents;
    private final AgentReplies replies;
    private final JsonWebToken jwt;

    AgentChatResource(ConversationService conversations, Agents agents, AgentReplies replies, JsonWebToken jwt) {
        this.conversations = conversations;
        this.agents = agents;
        this.replies = replies;
        this.jwt = jwt;
    }

    @Cancellable(false) // a client that leaves does not undo what was stored: the work finishes
    @POST
    @Path("/chat")
    @APIResponseSchema(value = ChatResponse.class, responseCode = "201", responseDescription = "The conversation and the reply's first words")
    @APIResponse(responseCode = "409", description = "The conversation is archived")
    @APIResponse(responseCode = "422", description = "The agent has no usable model")
    @Operation(operationId = "chat", summary = "Chat with an agent (agentId, or conversationId to continue); answers with the reply's first words")
    public Uni<RestResponse<ChatResponse>> chat(@Valid @NotNull ChatRequest request) {
        if (request.agentId() == null && request.conversationId() == null) {
            throw ProblemException.invalidField("agentId", "name the agent, or the conversation to continue");
        }
        return chatWith(request.agentId(), request);
    }

    @Cancellable(false) // a client that leaves does not undo what was stored: the work finishes
    @POST
    @Path("/{id}/chat")
    @APIResponseSchema(value = ChatResponse.class, responseCode = "201", responseDescription = "The conversation and the reply's first words")
    @APIResponse(responseCode = "409", description = "The conversation is archived")
    @APIResponse(responseCode = "422", description = "The agent has no usable model")
    @Operation(operationId = "chatWithAgent", summary = "Chat with this agent: a new conversation, or conversationId to continue one")
    public Uni<RestResponse<ChatResponse>> chatWithAgent(@PathParam("id") UUID agentId,
                                                         @Valid @NotNull ChatRequest request) {
        if (request.agentId() != null && !request.agentId().equals(agentId)) {
            throw ProblemException.invalidField("agentId", "differs from the agent in the path");
        }
        return chatWith(agentId, request);
    }

    private Uni<RestResponse<ChatResponse>> chatWith(UUID agentId, ChatRequest request) {
        Caller caller = Caller.from(jwt);
        String authorization = "Bearer " + jwt.getRawToken();
        Uni<ConversationDtos.ConversationResponse> conversation = request.conversationId() != null
                ? conversations.readable(caller, request.conversationId()).map(found -> {
                    if (agentId != null && !agentId.equals(found.agentId)) {
                        throw ProblemException.unprocessable("conversationId", "conversation "
                                + found.id + " is not with agent " + agentId);
                    }
                    if (found.agentId == null) {
                        throw ProblemException.unprocessable("conversationId", "conversation " + found.id
                                + " is not with an agent");
                    }
                    return ConversationDtos.ConversationResponse.from(found);
                })
                // the agent must be able to answer before anything is stored
                : agents.readable(caller, authorization, agentId).invoke(AgentReplies::requireModel)
                        .chain(agent -> conversations.create(caller, authorization, new ConversationDtos.NewConversation(
                                request.title(), agentId, null, null, null)))
                        .map(ConversationService.Opened::conversation);
        return conversation.chain(opened -> replies.post(caller, authorization, opened.id(),
                        new MessageDtos.NewMessage(request.content(), null, null, null, null))
                // the conversation stays, with the failed reply and its error message: say where it is
                .onFailure(ProblemException.class).invoke(failure -> ((ProblemException) failure)
                        .withLocation(URI.create("/api/conversations/" + opened.id())))
                .map(posted -> RestResponse.ResponseBuilder.<ChatResponse>created(URI.create("/api/conversations/" + opened.id()))
                        .entity(new ChatResponse(opened, posted.message(), posted.reply())).build()));
    }
}
