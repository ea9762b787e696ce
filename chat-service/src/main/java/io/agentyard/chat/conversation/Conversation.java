package io.agentyard.chat.conversation;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A conversation of a person, optionally with an agent, about a project or a task. Its stream
 * position ({@code last_seq}) is advanced only by {@link io.agentyard.chat.stream.ConversationStream}'s
 * statement, so the entity never writes it.
 */
@Entity
@Table(name = "conversations")
@DynamicUpdate
public class Conversation {

    @Id
    public UUID id;

    @Column(name = "owner_id")
    public UUID ownerId;

    @Column(name = "agent_id")
    public UUID agentId;

    @Column(name = "project_id")
    public UUID projectId;

    @Column(name = "task_id")
    public UUID taskId;

    public String title;

    @Enumerated(EnumType.STRING)
    public ConversationStatus status;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metadata;

    @Column(name = "last_seq", insertable = false, updatable = false)
    public long lastSeq;

    @Column(name = "last_message_at", insertable = false, updatable = false)
    public Instant lastMessageAt;

    @Column(name = "archived_at")
    public Instant archivedAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public boolean archived() {
        return status == ConversationStatus.archived;
    }
}
