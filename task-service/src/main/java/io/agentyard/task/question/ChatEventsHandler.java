package io.agentyard.task.question;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.events.ChatEvents;
import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventHandler;
import io.smallrye.mutiny.Uni;

/** Applies chat-service's question events to tasks: a question blocks its task, an answer lets it run on. */
@ApplicationScoped
public class ChatEventsHandler implements EventHandler {

    private final QuestionService questions;

    ChatEventsHandler(QuestionService questions) {
        this.questions = questions;
    }

    @Override
    public String source() {
        return ChatEvents.SOURCE;
    }

    @Override
    public Set<String> types() {
        return Set.of(ChatEvents.QUESTION_ASKED, ChatEvents.QUESTION_ANSWERED);
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        return switch (event.type()) {
            case ChatEvents.QUESTION_ASKED -> questions.asked(event.data(ChatEvents.QuestionAsked.class));
            case ChatEvents.QUESTION_ANSWERED -> questions.answered(event.data(ChatEvents.QuestionAnswered.class));
            default -> Uni.createFrom().voidItem();
        };
    }
}
