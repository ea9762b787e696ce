package io.agentyard.execution.log;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.execution.execution.ExecutionStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The log statements, each one round trip on the reactive pool (no Hibernate session on this
 * path). Parameters are typed records; the rules (who may append, what a refusal means) are
 * {@link LogService}'s.
 */
@ApplicationScoped
public class LogStore {

    private final Pool pool;

    LogStore(Pool pool) {
        this.pool = pool;
    }

    /** A batch to append: parallel arrays, one entry per line. {@code batchKey} may be null. */
    public record AppendParams(UUID executionId, UUID workerId, String batchKey, String[] levels, String[] messages,
                               String[] metadata, OffsetDateTime[] loggedAt) {
    }

    /**
     * Appends a batch if worker $2 holds execution $1 and it is open, and batch key $3 (when
     * given) is new: takes sequences log_count+1 .. log_count+n by bumping log_count (the row lock
     * orders concurrent appends of one execution, so sequences commit in order, without gaps or
     * duplicates), records the key, and inserts every line with one unnest. Returns the first
     * sequence, or no row when nothing was appended.
     */
    private static final String APPEND = """
            with target as (
                update execution.executions set log_count = log_count + $4, updated_at = now()
                where id = $1 and worker_id = $2 and status in (%s)
                  and ($3::text is null or not exists (
                      select 1 from execution.log_batches b where b.execution_id = $1 and b.batch_key = $3))
                returning log_count - $4 as base
            ), batch as (
                insert into execution.log_batches (execution_id, batch_key, first_seq, line_count)
                select $1, $3, base + 1, $4 from target where $3::text is not null
            ), lines as (
                insert into execution.execution_logs (execution_id, seq, level, message, metadata, logged_at)
                select $1, target.base + l.n, l.level, l.message, l.metadata::jsonb, l.logged_at
                from target, unnest($5::text[], $6::text[], $7::text[], $8::timestamptz[])
                    with ordinality as l (level, message, metadata, logged_at, n)
            )
            select base + 1 as first_seq from target""".formatted(ExecutionStatus.openAsSql());

    public Uni<Long> append(AppendParams params) {
        return pool.preparedQuery(APPEND).execute(Tuple.tuple(Arrays.asList(params.executionId(), params.workerId(),
                        params.batchKey(), params.levels().length, params.levels(), params.messages(), params.metadata(),
                        params.loggedAt())))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong("first_seq"));
    }

    /** The sequences a batch key was given before. */
    public record EarlierBatch(long firstSequence, int count) {
    }

    /** The batch stored earlier under {@code batchKey} (none without a key). */
    public Uni<EarlierBatch> earlierBatch(UUID executionId, String batchKey) {
        if (batchKey == null) {
            return Uni.createFrom().nullItem();
        }
        return pool.preparedQuery("select first_seq, line_count from execution.log_batches"
                        + " where execution_id = $1 and batch_key = $2").execute(Tuple.of(executionId, batchKey))
                .map(rows -> rows.size() == 0 ? null : new EarlierBatch(rows.iterator().next().getLong("first_seq"),
                        rows.iterator().next().getInteger("line_count")));
    }

    /** A query of one execution's lines; null filters are left out. */
    public record QueryParams(UUID executionId, long after, String[] levels, Instant from, Instant to,
                              String contains, int limit) {
    }

    private static final String QUERY = """
            select seq, level, message, metadata, logged_at from execution.execution_logs
            where execution_id = $1 and seq > $2
              and ($3::text[] is null or level = any($3))
              and ($4::timestamptz is null or logged_at >= $4)
              and ($5::timestamptz is null or logged_at < $5)
              and ($6::text is null or strpos(lower(message), lower($6)) > 0)
            order by seq limit $7""";

    public Uni<List<LogDtos.LogLine>> query(QueryParams params) {
        return pool.preparedQuery(QUERY).execute(Tuple.tuple(Arrays.asList(params.executionId(), params.after(),
                        params.levels(), utc(params.from()), utc(params.to()), params.contains(), params.limit())))
                .map(LogStore::lines);
    }

    /** The execution's status and last sequence, and up to $3 of its lines after $2 (a live tail's read). */
    private static final String TAIL = """
            select e.status, e.log_count, l.seq, l.level, l.message, l.metadata, l.logged_at
            from execution.executions e
            left join lateral (
                select seq, level, message, metadata, logged_at from execution.execution_logs
                where execution_id = e.id and seq > $2 order by seq limit $3) l on true
            where e.id = $1
            order by l.seq""";

    public record TailRead(ExecutionStatus status, long logCount, List<LogDtos.LogLine> lines) {
    }

    public Uni<TailRead> tail(UUID executionId, long after, int limit) {
        return pool.preparedQuery(TAIL).execute(Tuple.of(executionId, after, limit)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row first = rows.iterator().next();
            List<LogDtos.LogLine> lines = new ArrayList<>(rows.size());
            for (Row row : rows) {
                if (row.getLong("seq") != null) {
                    lines.add(line(row));
                }
            }
            return new TailRead(ExecutionStatus.valueOf(first.getString("status")), first.getLong("log_count"), lines);
        });
    }

    private static List<LogDtos.LogLine> lines(RowSet<Row> rows) {
        List<LogDtos.LogLine> lines = new ArrayList<>(rows.size());
        rows.forEach(row -> lines.add(line(row)));
        return lines;
    }

    private static LogDtos.LogLine line(Row row) {
        Object metadata = row.getValue("metadata");
        return new LogDtos.LogLine(row.getLong("seq"), LogDtos.Level.valueOf(row.getString("level")),
                row.getString("message"), metadata instanceof JsonObject json ? json.getMap() : null,
                row.getOffsetDateTime("logged_at").toInstant());
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
