package io.agentyard.shared.events;

import java.time.Instant;
import java.util.UUID;

/** Events of chat-service, on stream {@code agentyard.chat.events}. */
public final class ChatEvents {

    public static final String SOURCE = "chat";

    /** A worker asked a person something on its task's conversation: the task waits for the answer. */
    public static final String QUESTION_ASKED = "chat.question_asked";
    /** A person answered a worker's question: the task runs on, and the worker gets the answer. */
    public static final String QUESTION_ANSWERED = "chat.question_answered";

    private ChatEvents() {
    }

    /** {@code workerId} is the worker that asked (the task's holder, checked against task-service). */
    public record QuestionAsked(UUID conversationId, UUID messageId, UUID taskId, UUID workerId, String question,
                                Instant askedAt) {
    }

    /** {@code questionId} is the question's message id, {@code messageId} the answer's. */
    public record QuestionAnswered(UUID conversationId, UUID questionId, UUID messageId, UUID taskId, UUID workerId,
                                   UUID answeredBy, String answer, Instant answeredAt) {
    }
}
