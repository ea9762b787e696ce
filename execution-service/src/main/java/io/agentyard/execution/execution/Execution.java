package io.agentyard.execution.execution;

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

/**
 * One run of a work order: one per claim attempt. Read through Hibernate; written only by the
 * statements of {@link ExecutionRepository} (created and finished from task-service's events),
 * so loaded instances are never changed.
 */
@Entity
@Table(name = "executions")
public class Execution {

    @Id
    public UUID id;

    @Column(name = "task_id")
    public UUID taskId;

    @Column(name = "work_order_id")
    public UUID workOrderId;

    public int attempt;

    @Column(name = "worker_id")
    public UUID workerId;

    @Column(name = "owner_id")
    public UUID ownerId;

    @Column(name = "agent_id")
    public UUID agentId;

    @Column(name = "workflow_id")
    public UUID workflowId;

    @Enumerated(EnumType.STRING)
    public ExecutionStatus status;

    @Column(name = "exit_code")
    public Integer exitCode;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "input_data")
    public Map<String, Object> inputData;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "output_data")
    public Map<String, Object> outputData;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "stdout_tail")
    public String stdoutTail;

    @Column(name = "stderr_tail")
    public String stderrTail;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metrics;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metadata;

    @Column(name = "trace_id")
    public String traceId;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "duration_ms")
    public Long durationMs;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "log_count")
    public long logCount;

    @Column(name = "step_count")
    public int stepCount;
}
