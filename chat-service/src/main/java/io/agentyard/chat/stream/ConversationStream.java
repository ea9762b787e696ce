package io.agentyard.chat.stream;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.shared.events.Wakeups;
import io.agentyard.shared.reactive.AfterCommit;
import io.agentyard.shared.reactive.FreshPlans;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The ordered record of what happens in each conversation, which its SSE followers read. Every
 * change of a conversation or its messages takes the next sequence number of the conversation
 * ({@link #next}: the statement locks the conversation's row until the transaction ends, so numbers
 * commit in order and without gaps) and records its event under it ({@link #record}), in the
 * transaction of the change. After the commit, every replica's followers are woken over Redis.
 */
@ApplicationScoped
public class ConversationStream {

    /**
     * Event kinds: a new message, a chunk appended, an edit, the end of a streaming message
     * (complete, stopped by someone, or failed), a removed message, an attachment added or removed,
     * the conversation itself renamed or archived. Each event's data is the message (or chunk,
     * attachment, conversation) as the REST API answers it.
     */
    public static final String MESSAGE = "message";
    public static final String CHUNK = "chunk";
    public static final String EDITED = "edited";
    public static final String FINISHED = "finished";
    public static final String STOPPED = "stopped";
    public static final String FAILED = "failed";
    public static final String DELETED = "deleted";
    public static final String ATTACHMENT = "attachment";
    public static final String ATTACHMENT_DELETED = "attachment_deleted";
    public static final String CONVERSATION = "conversation";

    static final String TOPIC = "chat.conversations";

    private final Wakeups wakeups;
    private final ObjectMapper json;

    ConversationStream(Wakeups wakeups, ObjectMapper json) {
        this.wakeups = wakeups;
        this.json = json;
    }

    /** The next sequence number of the conversation (locks it until the transaction ends); {@code message}: it is a new message. */
    public Uni<Long> next(UUID conversationId, boolean message) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        update chat.conversations set last_seq = last_seq + 1, updated_at = now(),
                            last_message_at = case when ?2 then now() else last_message_at end
                        where id = ?1 returning last_seq""", Long.class)
                .setParameter(1, conversationId).setParameter(2, message)
                .getSingleResult());
    }

    /** Records event {@code seq} of the conversation; followers are woken after the commit. */
    public Uni<Void> record(UUID conversationId, long seq, String kind, Object data) {
        String body;
        try {
            body = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("a conversation event cannot be written as JSON", e));
        }
        AfterCommit.register(() -> wakeups.send(TOPIC, conversationId + " " + seq));
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        insert into chat.conversation_events (conversation_id, seq, kind, data)
                        values (?1, ?2, ?3, cast(cast(?4 as text) as jsonb))""")
                .setParameter(1, conversationId).setParameter(2, seq).setParameter(3, kind).setParameter(4, body)
                .executeUpdate()).replaceWithVoid();
    }

    /** {@link #next} then {@link #record}: for an event that is not a new message. */
    public Uni<Long> append(UUID conversationId, String kind, Object data) {
        return next(conversationId, false).call(seq -> record(conversationId, seq, kind, data));
    }

    /** One recorded event, its data as JSON text (written to followers as it is). */
    public record Event(long seq, String kind, String data) {
    }

    /**
     * Events after {@code after}, at most {@code limit}, in order. {@code first} is the oldest
     * sequence still kept (the next one when none is): a follower behind it has missed pruned events.
     */
    public record Read(List<Event> events, long first, long last, boolean exists) {
    }

    public Uni<Read> read(UUID conversationId, long after, int limit) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                        select e.seq, e.kind, cast(e.data as text)
                        from chat.conversation_events e
                        where e.conversation_id = ?1 and e.seq > ?2 order by e.seq limit ?3""", Object[].class)
                .setParameter(1, conversationId).setParameter(2, after).setParameter(3, limit)
                .getResultList()
                .chain(rows -> session.createNativeQuery("""
                                select c.last_seq, coalesce((select min(seq) from chat.conversation_events
                                    where conversation_id = c.id), c.last_seq + 1)
                                from chat.conversations c where c.id = ?1""", Object[].class)
                        .setParameter(1, conversationId).getResultList()
                        .map(bounds -> {
                            List<Event> events = rows.stream().map(row -> new Event(((Number) row[0]).longValue(),
                                    (String) row[1], (String) row[2])).toList();
                            if (bounds.isEmpty()) {
                                return new Read(events, 0, 0, false);
                            }
                            Object[] bound = bounds.get(0);
                            return new Read(events, ((Number) bound[1]).longValue(), ((Number) bound[0]).longValue(), true);
                        }))));
    }

    /** Drops events older than {@code before} (retention); messages are not touched. */
    public Uni<Integer> prune(Instant before) {
        // a retention round: planned afresh, the table's size swings between rounds (FreshPlans)
        return FreshPlans.withTransaction(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery("delete from chat.conversation_events where created_at < ?1")
                        .setParameter(1, before).executeUpdate()));
    }
}
