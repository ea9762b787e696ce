package io.agentyard.execution.execution;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * Executions: reads through Panache, and the statements that record a run's start and its end.
 * The statements run on the current Panache session, so they share the transaction of the outbox
 * events that announce them. The rules (which status, which statuses are still open) come from
 * the caller.
 */
@ApplicationScoped
public class ExecutionRepository implements PanacheRepositoryBase<Execution, UUID> {

    private static final String RECORD_END = """
            update execution.executions set status = ?2, exit_code = ?3,
                output_data = cast(cast(?4 as text) as jsonb), error_message = ?5, stdout_tail = ?6,
                stderr_tail = ?7, metrics = coalesce(cast(cast(?8 as text) as jsonb), metrics),
                completed_at = ?9, updated_at = now(),
                duration_ms = (extract(epoch from cast(?9 as timestamptz) - started_at) * 1000)::bigint
            where id = ?1 and status in (%s)
            returning id, task_id, status, exit_code, duration_ms, error_message""".formatted(ExecutionStatus.openAsSql());

    private static final String CANCEL_OPEN = """
            update execution.executions set status = ?2, error_message = ?4,
                completed_at = ?3, updated_at = now(),
                duration_ms = (extract(epoch from cast(?3 as timestamptz) - started_at) * 1000)::bigint
            where task_id = ?1 and status in (%s)
            returning id, task_id, status, exit_code, duration_ms, error_message""".formatted(ExecutionStatus.openAsSql());

    /** What a claim tells about a run; {@code startedAt} is when it was claimed. */
    public record Start(UUID id, UUID taskId, UUID workOrderId, int attempt, UUID workerId, UUID ownerId,
                        UUID agentId, UUID workflowId, ExecutionStatus status, Map<String, Object> input,
                        String traceId, Instant startedAt) {
    }

    /** How a run ended. */
    public record End(UUID id, ExecutionStatus status, Integer exitCode, Map<String, Object> output,
                      String error, String stdoutTail, String stderrTail, Map<String, Object> metrics,
                      Instant completedAt) {
    }

    /** The row as a finishing statement left it: enough for the execution.finished event. */
    public record Ended(UUID id, UUID taskId, String status, Integer exitCode, Long durationMs, String error) {
    }

    /**
     * Records the start of a run once. Should its end have arrived first, fills in what only the
     * start knows (trace id, input, start time, hence the duration). True when the row is new.
     */
    public Uni<Boolean> recordStart(Start start) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        insert into execution.executions as e (id, task_id, work_order_id, attempt, worker_id, owner_id,
                            agent_id, workflow_id, status, input_data, trace_id, started_at)
                        values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, cast(cast(?10 as text) as jsonb), ?11, ?12)
                        on conflict (id) do update set
                            trace_id = coalesce(e.trace_id, excluded.trace_id),
                            input_data = coalesce(e.input_data, excluded.input_data),
                            started_at = coalesce(e.started_at, excluded.started_at),
                            duration_ms = coalesce(e.duration_ms, (extract(epoch from e.completed_at
                                - coalesce(e.started_at, excluded.started_at)) * 1000)::bigint)
                        returning (xmax = 0)""", Boolean.class)
                .setParameter(1, start.id()).setParameter(2, start.taskId()).setParameter(3, start.workOrderId())
                .setParameter(4, start.attempt()).setParameter(5, start.workerId()).setParameter(6, start.ownerId())
                .setParameter(7, start.agentId()).setParameter(8, start.workflowId())
                .setParameter(9, start.status().name()).setParameter(10, json(start.input()))
                .setParameter(11, start.traceId()).setParameter(12, start.startedAt())
                .getSingleResult());
    }

    /** Ends the run if it is still open; empty when it had ended already. */
    public Uni<List<Ended>> recordEnd(End end) {
        return Panache.getSession().chain(session -> session.createNativeQuery(RECORD_END, Object[].class)
                .setParameter(1, end.id()).setParameter(2, end.status().name()).setParameter(3, end.exitCode())
                .setParameter(4, json(end.output())).setParameter(5, end.error()).setParameter(6, end.stdoutTail())
                .setParameter(7, end.stderrTail()).setParameter(8, json(end.metrics()))
                .setParameter(9, end.completedAt())
                .getResultList()).map(ExecutionRepository::ended);
    }

    /** Ends every open run of a task {@code cancelled}, with {@code reason}; returns those it ended. */
    public Uni<List<Ended>> cancelOpenRunsOf(UUID taskId, Instant at, String reason) {
        return Panache.getSession().chain(session -> session.createNativeQuery(CANCEL_OPEN, Object[].class)
                .setParameter(1, taskId).setParameter(2, ExecutionStatus.cancelled.name()).setParameter(3, at)
                .setParameter(4, reason)
                .getResultList()).map(ExecutionRepository::ended);
    }

    /** Merges {@code metadata} into the execution's own. */
    public Uni<Integer> mergeMetadata(UUID id, Map<String, Object> metadata) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        update execution.executions set metadata = metadata || cast(cast(?2 as text) as jsonb),
                            updated_at = now() where id = ?1""")
                .setParameter(1, id).setParameter(2, json(metadata)).executeUpdate());
    }

    /** Takes the next step position of a run (locks the execution row until the transaction ends). */
    public Uni<Integer> nextStepPosition(UUID id) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "update execution.executions set step_count = step_count + 1, updated_at = now()"
                                + " where id = ?1 returning step_count", Integer.class)
                .setParameter(1, id).getSingleResult());
    }

    private static List<Ended> ended(List<Object[]> rows) {
        return rows.stream().map(row -> new Ended((UUID) row[0], (UUID) row[1], (String) row[2],
                (Integer) row[3], row[4] == null ? null : ((Number) row[4]).longValue(), (String) row[5])).toList();
    }

    /** JSON text for a jsonb parameter (bound as text, then cast: see shared-model's Outbox), or null. */
    static String json(Map<String, Object> value) {
        return value == null ? null : new JsonObject(value).encode();
    }
}
