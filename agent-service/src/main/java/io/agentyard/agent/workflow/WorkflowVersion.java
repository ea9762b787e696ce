package io.agentyard.agent.workflow;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One definition a workflow had; never changed once written. */
@Entity
@Table(name = "workflow_versions")
public class WorkflowVersion {

    @Id
    public UUID id;

    @Column(name = "workflow_id")
    public UUID workflowId;

    public int version;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> definition;

    @Column(name = "created_by")
    public UUID createdBy;

    @Column(name = "created_at")
    public Instant createdAt;
}
