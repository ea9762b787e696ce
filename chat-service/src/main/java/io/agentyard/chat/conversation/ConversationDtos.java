package io.agentyard.chat.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.agentyard.chat.message.MessageDtos;

/** Requests and responses of the conversations API. */
public final class ConversationDtos {

    private ConversationDtos() {
    }

    /** A new conversation; each of agent, project and task must be one the caller may see. */
    public record NewConversation(
            @Size(max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String title,
            UUID agentId, UUID projectId, UUID taskId,
            @Size(max = 50, message = "may hold at most 50 keys") Map<String, Object> metadata) {
    }

    /** A rename, an archive ({@code status: archived}) or a restore ({@code active}); absent fields stay. */
    public record ConversationUpdate(
            @Size(max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String title,
            ConversationStatus status,
            @Size(max = 50, message = "may hold at most 50 keys") Map<String, Object> metadata) {
    }

    /** {@code lastEventId}: the stream position now; follow from it with {@code Last-Event-ID}. */
    public record ConversationResponse(UUID id, UUID ownerId, UUID agentId, UUID projectId, UUID taskId, String title,
                                       ConversationStatus status, Map<String, Object> metadata, long lastEventId,
                                       Instant lastMessageAt, Instant archivedAt, Instant createdAt,
                                       Instant updatedAt) {

        public static ConversationResponse from(Conversation conversation) {
            return new ConversationResponse(conversation.id, conversation.ownerId, conversation.agentId,
                    conversation.projectId, conversation.taskId, conversation.title, conversation.status,
                    conversation.metadata, conversation.lastSeq, conversation.lastMessageAt, conversation.archivedAt,
                    conversation.createdAt, conversation.updatedAt);
        }
    }

    /** A conversation with its latest messages, oldest first. */
    public record ConversationWithMessages(ConversationResponse conversation, List<MessageDtos.MessageResponse> messages,
                                           boolean earlierMessages) {
    }
}
