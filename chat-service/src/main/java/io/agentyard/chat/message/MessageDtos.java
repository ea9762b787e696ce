package io.agentyard.chat.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.agentyard.chat.attachment.AttachmentDtos;

/** Requests and responses of the messages API. */
public final class MessageDtos {

    private MessageDtos() {
    }

    /**
     * A new message. {@code messageType} defaults to text; a {@code response} names the question it
     * answers as {@code parentMessageId}. {@code streaming: true} opens a message whose text follows
     * in chunks; {@code content} may then be empty. Metadata keys of the notes: model, provider,
     * toolCalls, responseTime.
     */
    public record NewMessage(String content, MessageType messageType, UUID parentMessageId, Boolean streaming,
                             @Size(max = 50, message = "may hold at most 50 keys") Map<String, Object> metadata) {
    }

    /** A piece of a streaming message: {@code sequence} 1, 2, 3... in order; a repeat is not applied twice. */
    @Schema(name = "MessageChunk")
    public record Chunk(@NotNull @Min(value = 1, message = "must be 1 or more") Integer sequence,
                        @NotNull String content) {
    }

    /** The end of a streaming message; metadata keys are merged in (responseTime, model, ...). */
    @Schema(name = "MessageFinish")
    public record Finish(@Size(max = 50, message = "may hold at most 50 keys") Map<String, Object> metadata) {
    }

    /** New text of a message: the previous text is kept as {@code previousContent}. */
    @Schema(name = "MessageEdit")
    public record Edit(@NotNull String content) {
    }

    public record MessageResponse(UUID id, UUID conversationId, long sequence, SenderType senderType, UUID senderId,
                                  MessageRole role, String content, MessageType messageType, MessageState state,
                                  int chunkSequence, Map<String, Object> metadata, UUID parentMessageId,
                                  UUID answerId, String previousContent, List<AttachmentDtos.AttachmentResponse> attachments,
                                  Instant createdAt, Instant editedAt, Instant finishedAt) {

        public static MessageResponse from(ChatMessage message, List<AttachmentDtos.AttachmentResponse> attachments) {
            return new MessageResponse(message.id, message.conversationId, message.seq, message.senderType,
                    message.senderId, message.role, message.content, message.messageType, message.state,
                    message.chunkSeq, message.metadata, message.parentMessageId, message.answerId,
                    message.previousContent, attachments, message.createdAt, message.editedAt, message.finishedAt);
        }
    }

    /** A stream event of a chunk: the text appended. */
    public record ChunkEvent(UUID messageId, int sequence, String content) {
    }

    /** A stream event of a removed message. */
    public record DeletedEvent(UUID messageId) {
    }

    /** A message and the replies to it (a thread), oldest first. */
    @Schema(name = "MessageThread")
    public record Thread(MessageResponse message, List<MessageResponse> replies) {
    }
}
