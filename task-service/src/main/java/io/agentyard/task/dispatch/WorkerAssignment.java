package io.agentyard.task.dispatch;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One attempt of a work order by a worker: created by a claim, ended by complete, fail or expiry. */
@Entity
@Table(name = "worker_assignments")
public class WorkerAssignment {

    @Schema(name = "AssignmentStatus")
    public enum Status { active, completed, failed, timeout, cancelled }

    @Id
    public UUID id;

    @Column(name = "worker_id")
    public UUID workerId;

    @Column(name = "work_order_id")
    public UUID workOrderId;

    @Column(name = "execution_id")
    public UUID executionId;

    /** Which attempt of the order this is, 1 for the first. */
    public int attempt;

    @Enumerated(EnumType.STRING)
    public Status status;

    @Column(name = "assigned_at")
    public Instant assignedAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    /** Why this attempt failed, expired or was cancelled. */
    public String error;
}
