package io.agentyard.task.question;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import io.agentyard.shared.events.ChatEvents;
import io.agentyard.task.dispatch.Dispatcher;
import io.agentyard.task.dispatch.WorkOrder;
import io.agentyard.task.dispatch.WorkOrderRepository;
import io.agentyard.task.dispatch.WorkOrderService;
import io.agentyard.task.task.Task;
import io.agentyard.task.task.TaskRepository;
import io.agentyard.task.task.TaskStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Human in the loop: a worker's question blocks its task until a person answers, and the answer
 * lets it run on. Runs inside the event's transaction ({@link ChatEventsHandler}). Rows are locked
 * in the order the dispatch paths lock them, work order then task, so a question or an answer racing
 * a heartbeat, completion or failure of the same run waits for it instead of deadlocking.
 * <p>
 * Events that do not fit change nothing and are logged, never failed (a failed event would only be
 * retried, then dead-lettered): a question about a task its worker does not hold now, an answer to
 * a question already answered or whose wait is over. An answer that arrives before its question
 * (chat-service publishes them in order, but a question whose handling failed is retried after the
 * events behind it) is kept for the attempt, as answered, when its worker holds the task; the
 * question, arriving then, finds it answered and blocks nothing.
 */
@ApplicationScoped
public class QuestionService {

    private static final Logger LOG = Logger.getLogger(QuestionService.class);

    private final TaskQuestionRepository questions;
    private final WorkOrderRepository workOrders;
    private final TaskRepository tasks;
    private final WorkOrderService dispatch;
    private final Dispatcher dispatcher;

    QuestionService(TaskQuestionRepository questions, WorkOrderRepository workOrders, TaskRepository tasks,
                    WorkOrderService dispatch, Dispatcher dispatcher) {
        this.questions = questions;
        this.workOrders = workOrders;
        this.tasks = tasks;
        this.dispatch = dispatch;
        this.dispatcher = dispatcher;
    }

    /**
     * The holder of a running task asked a person something: the question is recorded for its
     * attempt and the task becomes {@code blocked} awaiting an answer (it may already be, for an
     * earlier question of the same attempt: it then waits for both).
     */
    public Uni<Void> asked(ChatEvents.QuestionAsked asked) {
        if (asked.taskId() == null || asked.messageId() == null) {
            LOG.infof("Question %s ignored: it names no task", asked.messageId());
            return Uni.createFrom().voidItem();
        }
        return heldRun(asked.taskId(), asked.workerId()).chain(run -> {
            if (run == null) {
                LOG.infof("Question %s ignored: task %s is not running under worker %s", asked.messageId(),
                        asked.taskId(), asked.workerId());
                return Uni.createFrom().voidItem();
            }
            return questions.findById(asked.messageId(), LockModeType.PESSIMISTIC_WRITE).chain(known -> {
                if (known != null) {
                    if (known.askedAt == null && known.taskId.equals(asked.taskId())) {
                        known.askedAt = asked.askedAt(); // its answer came first: nothing waits for it
                        known.updatedAt = Instant.now();
                    }
                    LOG.infof("Question %s is known already (%s)", asked.messageId(), known.status);
                    return Uni.createFrom().voidItem();
                }
                TaskQuestion question = newQuestion(asked.messageId(), run.order(), asked.conversationId());
                question.askedAt = asked.askedAt();
                question.status = TaskQuestion.Status.open;
                Uni<Void> recorded = questions.persist(question).replaceWithVoid();
                return run.task().awaitsAnswer() ? recorded
                        : recorded.chain(() -> dispatcher.changeStatus(run.task(), TaskStatus.blocked,
                                Task.BlockedReason.question));
            });
        });
    }

    /**
     * A person answered: the answer is kept for the attempt that asked (its heartbeats hand it over)
     * and, once none of its questions is open any more, the task runs on with a fresh lease.
     */
    public Uni<Void> answered(ChatEvents.QuestionAnswered answered) {
        if (answered.taskId() == null || answered.questionId() == null || answered.messageId() == null) {
            LOG.infof("Answer %s ignored: it names no task or question", answered.messageId());
            return Uni.createFrom().voidItem();
        }
        return workOrders.lockClaimedOf(answered.taskId())
                .chain(order -> tasks.findById(answered.taskId(), LockModeType.PESSIMISTIC_WRITE)
                        .chain(task -> questions.findById(answered.questionId(), LockModeType.PESSIMISTIC_WRITE)
                                .chain(question -> question == null ? answerFirst(answered, order, task)
                                        : answer(answered, question, order, task))));
    }

    private Uni<Void> answer(ChatEvents.QuestionAnswered answered, TaskQuestion question, WorkOrder order, Task task) {
        if (!question.taskId.equals(answered.taskId()) || question.status != TaskQuestion.Status.open) {
            LOG.infof("Answer %s ignored: question %s of task %s is %s", answered.messageId(), question.id,
                    question.taskId, question.status);
            return Uni.createFrom().voidItem();
        }
        record(question, answered);
        // open questions belong to the claim the task waits on (they are withdrawn when the wait ends otherwise)
        boolean waiting = task != null && task.awaitsAnswer() && order != null
                && order.executionId.equals(question.executionId);
        if (!waiting) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session.flush())
                .chain(() -> questions.otherOpen(task.id, question.id))
                .chain(open -> open > 0 ? Uni.createFrom().voidItem() : dispatch.resume(order, task));
    }

    /** An answer to a question not seen yet: kept for the attempt if its worker holds the task now. */
    private Uni<Void> answerFirst(ChatEvents.QuestionAnswered answered, WorkOrder order, Task task) {
        if (order == null || task == null || !holds(order, task, answered.workerId())) {
            LOG.infof("Answer %s ignored: its question %s is unknown and task %s is not running under worker %s",
                    answered.messageId(), answered.questionId(), answered.taskId(), answered.workerId());
            return Uni.createFrom().voidItem();
        }
        LOG.infof("Answer %s came before its question %s: kept for the attempt", answered.messageId(),
                answered.questionId());
        TaskQuestion question = newQuestion(answered.questionId(), order, answered.conversationId());
        record(question, answered);
        return questions.persist(question).replaceWithVoid();
    }

    /** The task's claimed order and the task, locked, if {@code workerId} holds it and it runs (or waits for an answer). */
    private Uni<Run> heldRun(UUID taskId, UUID workerId) {
        return workOrders.lockClaimedOf(taskId).chain(order -> order == null ? Uni.createFrom().nullItem()
                : tasks.findById(taskId, LockModeType.PESSIMISTIC_WRITE)
                        .map(task -> task != null && holds(order, task, workerId) ? new Run(order, task) : null));
    }

    private static boolean holds(WorkOrder order, Task task, UUID workerId) {
        return workerId != null && workerId.equals(order.claimedBy) && order.leaseHeld(Instant.now(), task)
                && (task.status == TaskStatus.in_progress || task.awaitsAnswer());
    }

    private static TaskQuestion newQuestion(UUID id, WorkOrder order, UUID conversationId) {
        TaskQuestion question = new TaskQuestion();
        question.id = id;
        question.taskId = order.taskId;
        question.workOrderId = order.id;
        question.executionId = order.executionId;
        question.workerId = order.claimedBy;
        question.conversationId = conversationId;
        question.updatedAt = Instant.now();
        return question;
    }

    private static void record(TaskQuestion question, ChatEvents.QuestionAnswered answered) {
        question.status = TaskQuestion.Status.answered;
        question.answerMessageId = answered.messageId();
        question.answer = answered.answer();
        question.answeredBy = answered.answeredBy();
        question.answeredAt = answered.answeredAt();
        question.updatedAt = Instant.now();
    }

    private record Run(WorkOrder order, Task task) {
    }
}
