package io.agentyard.agent.workflow;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A workflow; its definitions are {@link WorkflowVersion}s, the newest being current. */
@Entity
@Table(name = "workflows")
public class Workflow {

    @Id
    public UUID id;

    @Column(name = "owner_id")
    public UUID ownerId;

    public String name;

    public String description;

    @Column(name = "is_active")
    public boolean active;

    @Column(name = "current_version")
    public int currentVersion;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
