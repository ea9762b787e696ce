package io.agentyard.chat.message;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Messages: reads through Panache, and the statements that append a chunk and record an answer. */
@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<ChatMessage, UUID> {

    public Uni<ChatMessage> findIn(UUID conversationId, UUID id) {
        return find("id = :id and conversationId = :conversationId",
                Parameters.with("id", id).and("conversationId", conversationId)).firstResult();
    }

    /** The conversation's latest {@code count} messages, newest first. */
    public Uni<List<ChatMessage>> latest(UUID conversationId, int count) {
        return find("conversationId", Sort.descending("seq"), conversationId).range(0, count - 1).list();
    }

    /**
     * Appends chunk {@code sequence} to a streaming message if it is the next one and the text stays
     * within {@code maxChars}; false otherwise (the caller reads the message to say why).
     */
    public Uni<Boolean> appendChunk(UUID id, int sequence, String text, int maxChars) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        update chat.chat_messages set content = content || ?3, chunk_seq = ?2
                        where id = ?1 and state = 'streaming' and chunk_seq = ?2 - 1
                          and char_length(content) + char_length(?3) <= ?4""")
                .setParameter(1, id).setParameter(2, sequence).setParameter(3, text).setParameter(4, maxChars)
                .executeUpdate()).map(updated -> updated == 1);
    }

    /** Records {@code answerId} as the answer of a question not answered yet; false if it was. */
    public Uni<Boolean> recordAnswer(UUID questionId, UUID answerId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        update chat.chat_messages set answer_id = ?2
                        where id = ?1 and message_type = 'question' and answer_id is null""")
                .setParameter(1, questionId).setParameter(2, answerId).executeUpdate()).map(updated -> updated == 1);
    }
}
