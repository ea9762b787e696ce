package io.agentyard.chat.message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.chat.attachment.AttachmentService;
import io.agentyard.chat.config.ChatServiceConfig;
import io.agentyard.chat.conversation.Conversation;
import io.agentyard.chat.conversation.ConversationService;
import io.agentyard.chat.stream.ConversationStream;
import io.agentyard.shared.events.ChatEvents;
import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.page.CursorPage;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.reactive.AfterCommit;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * Messages of a conversation: who may write which kind, streaming (open, chunks in order, finish,
 * stop), edits, threads, and the human in the loop: a worker's {@code question} on its task's
 * conversation is announced as {@code chat.question_asked}; a person's {@code response} to it as
 * {@code chat.question_answered} (only the first answer counts). Every change is recorded on the
 * conversation's stream in the same transaction.
 */
@ApplicationScoped
public class MessageService {

    private final MessageRepository messages;
    private final ConversationService conversations;
    private final ConversationStream stream;
    private final AttachmentService attachments;
    private final Outbox outbox;
    private final ChatServiceConfig.Messages config;

    MessageService(MessageRepository messages, ConversationService conversations, ConversationStream stream,
                   AttachmentService attachments, Outbox outbox, ChatServiceConfig config) {
        this.messages = messages;
        this.conversations = conversations;
        this.stream = stream;
        this.attachments = attachments;
        this.outbox = outbox;
        this.config = config.messages();
    }

    /** Who a caller writes as: a worker as {@code worker}, a service as the {@code controller}, a person as {@code user}. */
    public static SenderType senderOf(Caller caller) {
        if (caller.hasRole(Roles.WORKER)) {
            return SenderType.worker;
        }
        return caller.hasRole(Roles.SERVICE) && !caller.isAdmin() && !caller.hasRole(Roles.DEVELOPER)
                ? SenderType.controller : SenderType.user;
    }

    /** Message types each sender may post; agents' messages are written by chat-service itself. */
    static boolean mayPost(SenderType sender, MessageType type) {
        return switch (sender) {
            case user -> type == MessageType.text || type == MessageType.response;
            case worker -> type != MessageType.response;
            case controller, system -> type == MessageType.text || type == MessageType.status || type == MessageType.error;
            case agent -> type == MessageType.text || type == MessageType.error;
        };
    }

    // ---- reads

    public Uni<MessageDtos.MessageResponse> get(Caller caller, UUID conversationId, UUID id) {
        return conversations.readable(caller, conversationId).chain(conversation -> found(conversationId, id))
                .chain(this::withAttachments);
    }

    public record Filter(UUID parentId, MessageType type, SenderType senderType) {
    }

    /** Oldest first, after position {@code after} (the previous page's {@code nextCursor}). */
    public Uni<CursorPage<MessageDtos.MessageResponse>> list(Caller caller, UUID conversationId, Filter filter,
                                                             String cursor, int limit) {
        long after = position(cursor);
        StringBuilder query = new StringBuilder("conversationId = :conversationId and seq > :after");
        Parameters params = Parameters.with("conversationId", conversationId).and("after", after);
        if (filter.parentId() != null) {
            query.append(" and parentMessageId = :parentId");
            params.and("parentId", filter.parentId());
        }
        if (filter.type() != null) {
            query.append(" and messageType = :type");
            params.and("type", filter.type());
        }
        if (filter.senderType() != null) {
            query.append(" and senderType = :senderType");
            params.and("senderType", filter.senderType());
        }
        return conversations.readable(caller, conversationId)
                .chain(conversation -> Panache.withSession(() -> messages.find(query.toString(), Sort.ascending("seq"),
                        params).range(0, limit).list()))
                .chain(found -> {
                    CursorPage<ChatMessage> page = CursorPage.of(found, limit, last -> Long.toString(last.seq));
                    return withAttachments(page.items()).map(items -> new CursorPage<>(items, page.nextCursor()));
                });
    }

    /** The conversation's latest messages, oldest first, and whether there are earlier ones. */
    public Uni<Latest> latest(UUID conversationId) {
        return Panache.withSession(() -> messages.latest(conversationId, config.latest() + 1)).chain(found -> {
            boolean earlier = found.size() > config.latest();
            List<ChatMessage> page = new ArrayList<>(earlier ? found.subList(0, config.latest()) : found);
            java.util.Collections.reverse(page);
            return withAttachments(page).map(items -> new Latest(items, earlier));
        });
    }

    public record Latest(List<MessageDtos.MessageResponse> messages, boolean earlier) {
    }

    /** A message and its replies, oldest first. */
    public Uni<MessageDtos.Thread> thread(Caller caller, UUID conversationId, UUID id) {
        return conversations.readable(caller, conversationId).chain(conversation -> found(conversationId, id))
                .chain(root -> Panache.withSession(() -> messages.find("parentMessageId = :id and conversationId = :c",
                                Sort.ascending("seq"), Parameters.with("id", id).and("c", conversationId)).list())
                        .chain(replies -> withAttachments(root).chain(message -> withAttachments(replies)
                                .map(items -> new MessageDtos.Thread(message, items)))));
    }

    private static long position(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        try {
            long after = Long.parseLong(cursor);
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalidField("cursor", "is not a cursor this API gave out");
    }

    private Uni<ChatMessage> found(UUID conversationId, UUID id) {
        return Panache.withSession(() -> messages.findIn(conversationId, id)).map(message -> {
            if (message == null) {
                throw ProblemException.notFound("message", id);
            }
            return message;
        });
    }

    /** A message as the API answers it (no access check: for chat-service's own replies). */
    public Uni<MessageDtos.MessageResponse> response(UUID id) {
        return Panache.withSession(() -> messages.findById(id)).chain(this::withAttachments);
    }

    Uni<MessageDtos.MessageResponse> withAttachments(ChatMessage message) {
        return withAttachments(List.of(message)).map(list -> list.get(0));
    }

    Uni<List<MessageDtos.MessageResponse>> withAttachments(List<ChatMessage> page) {
        if (page.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return attachments.of(page.stream().map(message -> message.id).toList()).map(byMessage -> page.stream()
                .map(message -> MessageDtos.MessageResponse.from(message, byMessage.getOrDefault(message.id, List.of())))
                .toList());
    }

    // ---- writes

    /**
     * Refuses a message no conversation could take from this caller (see {@link #senderOf},
     * {@link #mayPost}), before its conversation is looked up: 403, 400 or 413.
     */
    public void check(Caller caller, MessageDtos.NewMessage request) {
        SenderType sender = senderOf(caller);
        MessageType type = request.messageType() == null ? MessageType.text : request.messageType();
        boolean streaming = Boolean.TRUE.equals(request.streaming());
        String content = request.content() == null ? "" : request.content();
        if (!mayPost(sender, type)) {
            throw ProblemException.forbidden("a " + sender + " may not post " + type + " messages");
        }
        if (!streaming && content.isBlank()) {
            throw ProblemException.invalidField("content", "must not be blank");
        }
        if (content.length() > config.maxChars()) {
            throw ProblemException.payloadTooLarge("content has " + content.length()
                    + " characters; a message holds at most " + config.maxChars());
        }
        if (type == MessageType.response && request.parentMessageId() == null) {
            throw ProblemException.invalidField("parentMessageId", "a response names the question it answers");
        }
        if (streaming && type == MessageType.question) {
            throw ProblemException.invalidField("streaming", "a question is posted whole");
        }
    }

    /**
     * Posts a message that passed {@link #check} as the caller in {@code conversation}, which the
     * caller has been found to write in ({@link ConversationService#writable}).
     */
    public Uni<MessageDtos.MessageResponse> create(Caller caller, Conversation conversation,
                                                   MessageDtos.NewMessage request) {
        UUID conversationId = conversation.id;
        SenderType sender = senderOf(caller);
        MessageType type = request.messageType() == null ? MessageType.text : request.messageType();
        boolean streaming = Boolean.TRUE.equals(request.streaming());
        String content = request.content() == null ? "" : request.content();
        if (type == MessageType.question && conversation.taskId == null) {
            return Uni.createFrom().failure(ProblemException.unprocessable(
                    "messageType", "questions are asked on a task's conversation"));
        }
        ChatMessage message = new ChatMessage();
        message.id = UUID.randomUUID();
        message.conversationId = conversationId;
        message.senderType = sender;
        message.senderId = caller.hasRole(Roles.SERVICE) && sender == SenderType.controller ? null : caller.id();
        message.role = sender.role();
        message.content = content;
        message.messageType = type;
        message.state = streaming ? MessageState.streaming : MessageState.complete;
        message.metadata = request.metadata() == null ? Map.of() : request.metadata();
        message.parentMessageId = request.parentMessageId();
        return AfterCommit.transaction(() -> parentChecked(conversationId, message)
                .chain(() -> claimAnswer(message))
                .chain(() -> insert(message))
                .call(() -> announce(conversation, message, caller)))
                .chain(this::withAttachments);
    }

    /** Writes a message chat-service itself composes (an agent's reply, a system notice). */
    public Uni<ChatMessage> insert(ChatMessage message) {
        return stream.next(message.conversationId, true).chain(seq -> {
            message.seq = seq;
            message.createdAt = Instant.now();
            if (message.state.isFinal()) {
                message.finishedAt = message.createdAt;
            }
            return messages.persist(message).call(messages::flush)
                    .call(saved -> stream.record(message.conversationId, seq, ConversationStream.MESSAGE,
                            MessageDtos.MessageResponse.from(saved, List.of())));
        });
    }

    private Uni<Void> parentChecked(UUID conversationId, ChatMessage message) {
        if (message.parentMessageId == null) {
            return Uni.createFrom().voidItem();
        }
        return messages.findIn(conversationId, message.parentMessageId).chain(parent -> {
            if (parent == null) {
                return Uni.createFrom().failure(ProblemException.unprocessable("parentMessageId",
                        "message " + message.parentMessageId + " is not in this conversation"));
            }
            if (message.messageType == MessageType.response && parent.messageType != MessageType.question) {
                return Uni.createFrom().failure(ProblemException.unprocessable("parentMessageId",
                        "a response answers a question; message " + parent.id + " is a " + parent.messageType));
            }
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * A response becomes its question's answer if it is the first: before the response is written,
     * so the question's row is locked before the conversation's, in the order edits and deletes take them.
     */
    private Uni<Void> claimAnswer(ChatMessage message) {
        if (message.messageType != MessageType.response) {
            return Uni.createFrom().voidItem();
        }
        return messages.recordAnswer(message.parentMessageId, message.id).invoke(first -> {
            if (!first) {
                throw ProblemException.conflict("question " + message.parentMessageId + " has been answered already");
            }
        }).replaceWithVoid();
    }

    /** The human in the loop: questions and their (first) answers go to task-service through the outbox. */
    private Uni<Void> announce(Conversation conversation, ChatMessage message, Caller caller) {
        if (message.messageType == MessageType.question) {
            return outbox.record(ChatEvents.QUESTION_ASKED, message.id, new ChatEvents.QuestionAsked(conversation.id,
                    message.id, conversation.taskId, caller.id(), message.content, message.createdAt)).replaceWithVoid();
        }
        if (message.messageType != MessageType.response) {
            return Uni.createFrom().voidItem();
        }
        return messages.findById(message.parentMessageId).chain(question -> conversation.taskId == null || question.senderType != SenderType.worker
                ? Uni.createFrom().voidItem()
                : outbox.record(ChatEvents.QUESTION_ANSWERED, message.id, new ChatEvents.QuestionAnswered(
                        conversation.id, question.id, message.id, conversation.taskId, question.senderId, caller.id(),
                        message.content, message.createdAt)).replaceWithVoid());
    }

    /** Appends a chunk to a streaming message (its sender only); a repeated chunk changes nothing. */
    public Uni<MessageDtos.MessageResponse> appendChunk(Caller caller, UUID conversationId, UUID id,
                                                        MessageDtos.Chunk chunk) {
        return conversations.writable(caller, conversationId).chain(conversation -> found(conversationId, id))
                .invoke(message -> requireSender(caller, message))
                .chain(message -> AfterCommit.transaction(() -> messages.appendChunk(id, chunk.sequence(),
                        chunk.content(), config.maxChars()).chain(applied -> applied
                        ? stream.append(conversationId, ConversationStream.CHUNK,
                                new MessageDtos.ChunkEvent(id, chunk.sequence(), chunk.content())).replaceWithVoid()
                        : refused(id, chunk))))
                .chain(() -> found(conversationId, id)).chain(this::withAttachments);
    }

    /** Says why a chunk was not applied: a repeat is fine, anything else is refused. */
    private Uni<Void> refused(UUID id, MessageDtos.Chunk chunk) {
        return messages.findById(id).map(message -> {
            if (chunk.sequence() <= message.chunkSeq) {
                return null; // applied before: a retry of the same chunk
            }
            if (message.state != MessageState.streaming) {
                throw ProblemException.conflict("message " + id + " is " + message.state + ", not streaming");
            }
            if (chunk.sequence() != message.chunkSeq + 1) {
                throw ProblemException.conflict("chunk " + chunk.sequence() + " is out of order: the next one is "
                        + (message.chunkSeq + 1));
            }
            throw ProblemException.payloadTooLarge("a message holds at most " + config.maxChars() + " characters");
        });
    }

    /** Ends a streaming message as {@code complete}, merging metadata (its sender only). */
    public Uni<MessageDtos.MessageResponse> finish(Caller caller, UUID conversationId, UUID id,
                                                   MessageDtos.Finish finish) {
        return conversations.readable(caller, conversationId).chain(conversation -> found(conversationId, id))
                .invoke(message -> requireSender(caller, message))
                .chain(message -> end(id, MessageState.complete, finish == null ? null : finish.metadata()))
                .chain(this::withAttachments);
    }

    /**
     * Stops a streaming message where it is ({@code stopped}): its sender, the conversation's
     * owner or an admin. A message that has ended already is answered as it is.
     */
    public Uni<MessageDtos.MessageResponse> stop(Caller caller, UUID conversationId, UUID id) {
        return conversations.readable(caller, conversationId).chain(conversation -> found(conversationId, id)
                        .invoke(message -> {
                            if (!isSender(caller, message) && !caller.canWrite(conversation.ownerId)) {
                                throw ProblemException.forbidden("only the message's sender, the conversation's owner"
                                        + " or an admin may stop it");
                            }
                        }))
                .chain(message -> end(id, MessageState.stopped, Map.of("stoppedBy", caller.subject())))
                .chain(this::withAttachments);
    }

    /**
     * Ends a streaming message in {@code state} (chat-service's own replies use it too); the first
     * end wins, later ones answer the message as it ended.
     */
    public Uni<ChatMessage> end(UUID id, MessageState state, Map<String, Object> metadata) {
        return AfterCommit.transaction(() -> messages.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .chain(message -> {
                    if (message == null) {
                        return Uni.createFrom().nullItem(); // deleted meanwhile
                    }
                    if (message.state != MessageState.streaming) {
                        if (state == MessageState.complete && message.state != MessageState.complete) {
                            throw ProblemException.conflict("message " + id + " is " + message.state);
                        }
                        return Uni.createFrom().item(message);
                    }
                    message.state = state;
                    message.finishedAt = Instant.now();
                    if (metadata != null && !metadata.isEmpty()) {
                        Map<String, Object> merged = new LinkedHashMap<>(message.metadata);
                        merged.putAll(metadata);
                        message.metadata = merged;
                    }
                    return messages.flush().chain(() -> stream.append(message.conversationId, switch (state) {
                                case stopped -> ConversationStream.STOPPED;
                                case failed -> ConversationStream.FAILED;
                                default -> ConversationStream.FINISHED;
                            },
                            MessageDtos.MessageResponse.from(message, List.of()))).replaceWith(message);
                }));
    }

    /** New text for a finished message (its sender only); the previous text is kept. */
    public Uni<MessageDtos.MessageResponse> edit(Caller caller, UUID conversationId, UUID id, MessageDtos.Edit edit) {
        if (edit.content().isBlank()) {
            return Uni.createFrom().failure(ProblemException.invalidField("content", "must not be blank"));
        }
        if (edit.content().length() > config.maxChars()) {
            return Uni.createFrom().failure(ProblemException.payloadTooLarge("a message holds at most "
                    + config.maxChars() + " characters"));
        }
        return conversations.writable(caller, conversationId).chain(conversation -> found(conversationId, id))
                .invoke(message -> requireSender(caller, message))
                .chain(found -> AfterCommit.transaction(() -> messages.findById(id,
                        jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).chain(message -> {
                            if (message.state == MessageState.streaming) {
                                throw ProblemException.conflict("message " + id + " is still streaming");
                            }
                            message.previousContent = message.content;
                            message.content = edit.content();
                            message.editedAt = Instant.now();
                            return messages.flush().chain(() -> stream.append(conversationId, ConversationStream.EDITED,
                                    MessageDtos.MessageResponse.from(message, List.of()))).replaceWith(message);
                        })))
                .chain(this::withAttachments);
    }

    /** The message, if the caller may attach files to it or remove them: its sender, the conversation's owner or an admin. */
    public Uni<ChatMessage> attachable(Caller caller, UUID conversationId, UUID id) {
        return conversations.writable(caller, conversationId).chain(conversation -> found(conversationId, id)
                .invoke(message -> {
                    if (!isSender(caller, message) && !caller.canWrite(conversation.ownerId)) {
                        throw ProblemException.forbidden("only the message's sender, the conversation's owner"
                                + " or an admin may change its attachments");
                    }
                }));
    }

    /** The message, if the caller may read its conversation. */
    public Uni<ChatMessage> readable(Caller caller, UUID conversationId, UUID id) {
        return conversations.readable(caller, conversationId).chain(conversation -> found(conversationId, id));
    }

    /** Removes a message with its attachments: its sender, the conversation's owner or an admin. */
    public Uni<Void> delete(Caller caller, UUID conversationId, UUID id) {
        return conversations.writable(caller, conversationId).chain(conversation -> found(conversationId, id)
                .invoke(message -> {
                    if (!isSender(caller, message) && !caller.canWrite(conversation.ownerId)) {
                        throw ProblemException.forbidden("only the message's sender, the conversation's owner"
                                + " or an admin may delete it");
                    }
                    if (message.messageType == MessageType.question && message.answerId == null
                            && conversation.taskId != null) {
                        // its task waits for the answer: answer it instead
                        throw ProblemException.conflict("question " + id + " is waiting for an answer; answer it");
                    }
                }))
                .chain(message -> AfterCommit.transaction(() -> attachments.deleteOf(id)
                        .call(() -> messages.delete("id", id))
                        .call(() -> stream.append(conversationId, ConversationStream.DELETED,
                                new MessageDtos.DeletedEvent(id)))))
                .replaceWithVoid();
    }

    /** A controller's messages are the controller's (services have no person's id); others' are their sender's. */
    private static boolean isSender(Caller caller, ChatMessage message) {
        SenderType sender = senderOf(caller);
        return message.senderType == sender
                && (sender == SenderType.controller || caller.is(message.senderId));
    }

    private static void requireSender(Caller caller, ChatMessage message) {
        if (!isSender(caller, message)) {
            throw ProblemException.forbidden("only the message's sender may change its text");
        }
    }
}
