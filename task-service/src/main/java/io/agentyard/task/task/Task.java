package io.agentyard.task.task;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
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

/** A piece of work filed against a repository, dispatched to workers as work orders. */
@Entity
@Table(name = "tasks")
public class Task {

    /** Also the name of the queue its work orders go to. */
    /** A week: the longest an attempt may be given (tasks.timeout_seconds, V7). */
    public static final int MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

    @Schema(name = "TaskType")
    public enum Type { feature, bugfix, test, docs, refactor, review }

    /**
     * {@code autonomous} runs and completes by itself; {@code supervised} runs, then waits (blocked)
     * for a person's approval; {@code human_required} is not dispatched until a person approves.
     */
    @Schema(name = "TaskPermission")
    public enum Permission {
        autonomous, supervised, human_required;

        /** Whether a completed run waits for a person's review before its task completes. */
        public boolean awaitsReview() {
            return this == supervised;
        }

        /** The levels whose runs await review, as the completion statement takes them. */
        public static String[] awaitingReview() {
            return Arrays.stream(values()).filter(Permission::awaitsReview).map(Enum::name).toArray(String[]::new);
        }
    }

    /** Ordered: a higher priority is claimed first. */
    @Schema(name = "TaskPriority")
    public enum Priority { low, normal, high, critical }

    /**
     * Why a {@code blocked} task waits: {@code review}, a supervised run is done and a person
     * approves or rejects it; {@code question}, its worker asked a person something (chat-service)
     * and waits for the answer, its lease held meanwhile.
     */
    @Schema(name = "TaskBlockedReason")
    public enum BlockedReason {
        review, question;

        /** Whether a task blocked for this reason keeps its running attempt's lease from expiring. */
        public boolean pausesLease() {
            return this == question;
        }

        /** The reasons that pause a lease, as the lease reaper and the holder lookup pass them to SQL. */
        public static List<String> pausingLease() {
            return Arrays.stream(values()).filter(BlockedReason::pausesLease).map(Enum::name).toList();
        }
    }

    @Id
    public UUID id;

    public String title;

    public String description;

    @Enumerated(EnumType.STRING)
    @Column(name = "task_type")
    public Type taskType;

    @Enumerated(EnumType.STRING)
    @Column(name = "permission_level")
    public Permission permissionLevel;

    @Enumerated(EnumType.STRING)
    public Priority priority;

    /** Computed by the database from {@link #priority}, for sorting. */
    @Column(name = "priority_rank", insertable = false, updatable = false)
    public Short priorityRank;

    @Enumerated(EnumType.STRING)
    public TaskStatus status;

    /** Set exactly while {@link #status} is {@code blocked} (see {@link io.agentyard.task.dispatch.Dispatcher#changeStatus}). */
    @Enumerated(EnumType.STRING)
    @Column(name = "blocked_reason")
    public BlockedReason blockedReason;

    @Column(name = "repository_url")
    public String repositoryUrl;

    @Column(name = "branch_name")
    public String branchName;

    @Column(name = "issue_number")
    public Integer issueNumber;

    @Column(name = "pr_number")
    public Integer prNumber;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> context;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metadata;

    @Column(name = "created_by")
    public UUID createdBy;

    /** The worker holding (or that last held) the task's work order. */
    @Column(name = "assigned_to")
    public UUID assignedTo;

    @Column(name = "parent_task_id")
    public UUID parentTaskId;

    @Column(name = "project_id")
    public UUID projectId;

    /** The agent-service agent the task was filed for, if any (no foreign key: another service's id). */
    @Column(name = "agent_id")
    public UUID agentId;

    /** The agent-service workflow the task runs, if any. */
    @Column(name = "workflow_id")
    public UUID workflowId;

    /** The run's input, a JSON object, if any; handed to the worker in the work order's payload. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> input;

    /** How long one attempt may run (seconds); null: the worker's timeout, else task-service's default. */
    @Column(name = "timeout_seconds")
    public Integer timeoutSeconds;

    @Column(name = "approved_by")
    public UUID approvedBy;

    @Column(name = "approved_at")
    public Instant approvedAt;

    @Column(name = "review_comment")
    public String reviewComment;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    /** A supervised run is done and waits for a person's approval or rejection. */
    public boolean awaitsReview() {
        return status == TaskStatus.blocked && blockedReason == BlockedReason.review;
    }

    /** Its worker asked a person something and waits for the answer. */
    public boolean awaitsAnswer() {
        return status == TaskStatus.blocked && blockedReason == BlockedReason.question;
    }

    /** Its running attempt's lease does not expire now (whatever its expiry time says). */
    public boolean leasePaused() {
        return status == TaskStatus.blocked && blockedReason != null && blockedReason.pausesLease();
    }
}
