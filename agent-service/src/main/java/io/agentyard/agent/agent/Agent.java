package io.agentyard.agent.agent;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An AI agent definition owned by a person. */
@Entity
@Table(name = "agents")
public class Agent {

    @Id
    public UUID id;

    @Column(name = "owner_id")
    public UUID ownerId;

    public String name;

    public String description;

    @Enumerated(EnumType.STRING)
    public AgentEnums.Category category;

    @Enumerated(EnumType.STRING)
    @Column(name = "agent_type")
    public AgentEnums.Type agentType;

    @Enumerated(EnumType.STRING)
    public AgentEnums.Status status;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> configuration;

    /** A text[] column: Hibernate Reactive reads JSON columns as objects only. */
    public String[] capabilities;

    @Column(name = "is_active")
    public boolean active;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
