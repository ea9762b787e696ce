package io.agentyard.task.deadletter;

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

/**
 * The record of one dead work order redriven or purged: by whom, when, and the order as it was
 * ({@code detail}). Written in the transaction that acted; kept after a purge deletes the order.
 */
@Entity
@Table(name = "dead_letter_actions")
public class DeadLetterAction {

    /** {@code redrive}: the order went back on its queue; {@code purge}: it was deleted. */
    @Schema(name = "DeadLetterActionType")
    public enum Action { redrive, purge }

    @Id
    public UUID id;

    @Enumerated(EnumType.STRING)
    public Action action;

    @Column(name = "work_order_id")
    public UUID workOrderId;

    @Column(name = "task_id")
    public UUID taskId;

    @Column(name = "queue_name")
    public String queue;

    @Column(name = "actor_id")
    public UUID actorId;

    @Column(name = "acted_at")
    public Instant actedAt;

    /** The order when acted on: {@code status, error, retryCount, maxRetries, attempt, deadSince}. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> detail;
}
