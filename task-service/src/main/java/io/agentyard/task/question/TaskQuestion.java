package io.agentyard.task.question;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A question a task's worker asked a person on the task's conversation (chat-service), and its
 * answer. It belongs to the attempt (execution) that asked: that attempt's heartbeats hand the
 * worker the answers. While one is {@code open}, the task is blocked awaiting an answer.
 */
@Entity
@Table(name = "task_questions")
public class TaskQuestion {

    /**
     * {@code open}: the task waits for it; {@code answered}; {@code withdrawn}: the wait ended
     * without an answer (the attempt finished or ended, or the task was cancelled).
     */
    @Schema(name = "QuestionStatus")
    public enum Status { open, answered, withdrawn }

    /** The question's chat message id. */
    @Id
    public UUID id;

    @Column(name = "task_id")
    public UUID taskId;

    @Column(name = "work_order_id")
    public UUID workOrderId;

    /** The attempt that asked. */
    @Column(name = "execution_id")
    public UUID executionId;

    @Column(name = "worker_id")
    public UUID workerId;

    @Column(name = "conversation_id")
    public UUID conversationId;

    @Enumerated(EnumType.STRING)
    public Status status;

    /** Null while only the answer has arrived (see QuestionService). */
    @Column(name = "asked_at")
    public Instant askedAt;

    /** The answer's chat message id. */
    @Column(name = "answer_message_id")
    public UUID answerMessageId;

    public String answer;

    @Column(name = "answered_by")
    public UUID answeredBy;

    @Column(name = "answered_at")
    public Instant answeredAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
