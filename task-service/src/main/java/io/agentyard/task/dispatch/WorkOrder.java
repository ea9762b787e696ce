package io.agentyard.task.dispatch;

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

import io.agentyard.task.task.Task;

/**
 * One task's turn on a queue. A claim is a lease until {@code expiresAt}, renewed by heartbeats a
 * lease interval at a time up to {@code deadlineAt}; an expired or failed attempt goes back to
 * {@code pending} (available again after a backoff) until {@code maxRetries} is used up, then the
 * order is {@code failed} or {@code expired} for good (dead-lettered). A cancelled task's order
 * ends {@code cancelled}.
 */
@Entity
@Table(name = "work_orders")
public class WorkOrder {

    @Schema(name = "WorkOrderStatus")
    public enum Status {
        pending, claimed, completed, failed, expired, cancelled;

        /** Dead: ended without success for good (out of retries, or not retryable). */
        public boolean isDead() {
            return this == failed || this == expired;
        }
    }

    @Id
    public UUID id;

    @Column(name = "task_id")
    public UUID taskId;

    @Column(name = "queue_name")
    public String queue;

    @Enumerated(EnumType.STRING)
    public Status status;

    /** The task priority's rank: critical 3 ... low 0. */
    public short priority;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> payload;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> result;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "exit_code")
    public Integer exitCode;

    public String stdout;

    public String stderr;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metrics;

    @Column(name = "retry_count")
    public int retryCount;

    @Column(name = "max_retries")
    public int maxRetries;

    /** How long an attempt may run, when the task says; else the worker's timeout, else the default. */
    @Column(name = "timeout_seconds")
    public Integer timeoutSeconds;

    /** The fencing token: how many times the order was claimed; each claim takes the next. */
    public int attempt;

    /** When the running attempt's time is up: heartbeats never extend its lease past this. */
    @Column(name = "deadline_at")
    public Instant deadlineAt;

    @Column(name = "enqueued_at")
    public Instant enqueuedAt;

    @Column(name = "available_at")
    public Instant availableAt;

    @Column(name = "claimed_at")
    public Instant claimedAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "claimed_by")
    public UUID claimedBy;

    @Column(name = "execution_id")
    public UUID executionId;

    /**
     * Back on the queue, available at {@code at}, no longer held (a retry, or a redriven dead
     * order). Its attempt stays: the fencing token never goes back.
     */
    public void requeue(Instant at) {
        status = Status.pending;
        availableAt = at;
        claimedBy = null;
        claimedAt = null;
        expiresAt = null;
        deadlineAt = null;
        executionId = null;
    }

    /**
     * Whether its claim still holds at {@code now}: claimed, and its lease not run out, or paused
     * because its task waits for a person ({@link Task#leasePaused()}).
     */
    public boolean leaseHeld(Instant now, Task task) {
        return status == Status.claimed && (expiresAt.isAfter(now) || task != null && task.leasePaused());
    }
}
