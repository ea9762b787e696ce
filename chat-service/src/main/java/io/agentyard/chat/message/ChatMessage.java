package io.agentyard.chat.message;

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
 * A message (AgentVine's chat_messages and AgentDB9's messages in one). While it streams, chunks
 * are appended by {@link MessageRepository#appendChunk}'s statement; everything else goes
 * through the entity ({@code @DynamicUpdate}: only changed columns are written).
 */
@Entity
@Table(name = "chat_messages")
@DynamicUpdate
public class ChatMessage {

    @Id
    public UUID id;

    @Column(name = "conversation_id")
    public UUID conversationId;

    public long seq;

    @Enumerated(EnumType.STRING)
    @Column(name = "sender_type")
    public SenderType senderType;

    @Column(name = "sender_id")
    public UUID senderId;

    @Enumerated(EnumType.STRING)
    public MessageRole role;

    public String content;

    @Enumerated(EnumType.STRING)
    @Column(name = "message_type")
    public MessageType messageType;

    @Enumerated(EnumType.STRING)
    public MessageState state;

    @Column(name = "chunk_seq")
    public int chunkSeq;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metadata;

    @Column(name = "parent_message_id")
    public UUID parentMessageId;

    @Column(name = "answer_id")
    public UUID answerId;

    @Column(name = "previous_content")
    public String previousContent;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "edited_at")
    public Instant editedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;
}
