package io.agentyard.execution.step;

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

/** One step of a run (a tool call, an LLM call, a decision...), started and finished by its worker. */
@Entity
@Table(name = "execution_steps")
public class ExecutionStep {

    @Schema(name = "StepType")
    public enum Type { tool, llm_call, decision, human_approval, code, subworkflow, other }

    @Schema(name = "StepStatus")
    public enum Status { running, completed, failed }

    @Id
    public UUID id;

    @Column(name = "execution_id")
    public UUID executionId;

    /** 1, 2, ... in the order the worker started them. */
    public int position;

    public String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "step_type")
    public Type type;

    @Enumerated(EnumType.STRING)
    public Status status;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "input_data")
    public Map<String, Object> inputData;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "output_data")
    public Map<String, Object> outputData;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "created_at")
    public Instant createdAt;
}
