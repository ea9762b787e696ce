package io.agentyard.chat.attachment;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A file attached to a message (AgentVine's chat_attachments); {@code filePath} is the storage's key. */
@Entity
@Table(name = "chat_attachments")
public class Attachment {

    @Id
    public UUID id;

    @Column(name = "message_id")
    public UUID messageId;

    @Column(name = "file_name")
    public String fileName;

    @Column(name = "file_path")
    public String filePath;

    @Column(name = "file_type")
    public String fileType;

    @Column(name = "file_size_bytes")
    public long fileSizeBytes;

    public String sha256;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metadata;

    @Column(name = "created_at")
    public Instant createdAt;
}
