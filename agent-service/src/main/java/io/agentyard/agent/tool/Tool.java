package io.agentyard.agent.tool;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A tool agents can use (an API, a database, files...), in one registry for everyone. */
@Entity
@Table(name = "tools")
public class Tool {

    @Schema(name = "ToolType")
    public enum Type { api, database, file, custom }

    @Id
    public UUID id;

    public String name;

    public String description;

    @Enumerated(EnumType.STRING)
    @Column(name = "tool_type")
    public Type toolType;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> configuration;

    @Column(name = "is_active")
    public boolean active;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
