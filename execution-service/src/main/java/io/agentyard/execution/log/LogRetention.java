package io.agentyard.execution.log;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agentyard.execution.config.ExecutionServiceConfig;
import io.agentyard.execution.execution.ExecutionStatus;
import io.agentyard.shared.reactive.FreshPlans;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps the log table's daily partitions (UTC days of arrival) ready ahead and drops those past
 * retention, and deletes finished executions past theirs. Runs at start (before the first append
 * can need today's partition) and every {@code retention.interval} on every replica (quarkus-scheduler,
 * never overlapping itself; tests call {@link #runOnce()}): creating is
 * serialised by an advisory lock; an old partition is first detached CONCURRENTLY (no lock that
 * blocks appends or reads) and then dropped, so retention neither bloats the table nor stalls it.
 */
@ApplicationScoped
public class LogRetention {

    private static final Logger LOG = Logger.getLogger(LogRetention.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final String PREFIX = "execution_logs_";
    private static final int DELETE_BATCH = 1000;

    private final Pool pool;
    private final ExecutionServiceConfig.Retention config;

    LogRetention(Pool pool, ExecutionServiceConfig config) {
        this.pool = pool;
        this.config = config.retention();
    }

    void start(@Observes StartupEvent event) {
        runOnce().await().atMost(Duration.ofMinutes(1));
    }

    @Scheduled(identity = "log-retention", every = "${agentyard.execution.retention.interval}",
            delayed = "${agentyard.execution.retention.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return runOnce().invoke(count -> {
            if (count > 0) {
                LOG.infof("Log retention (partitions created or dropped, executions deleted): %d", count);
            }
        }).replaceWithVoid();
    }

    /** One round; returns how many partitions it created or dropped and executions it deleted. */
    public Uni<Integer> runOnce() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Instant now = Instant.now();
        return ensurePartitions(today, config.partitionsAhead() + 1)
                .chain(created -> dropPartitionsBefore(now.minus(config.logs()))
                        .chain(dropped -> forgetBatchesBefore(now.minus(config.logs()))
                                .chain(() -> deleteExecutionsBefore(now.minus(config.executions())))
                                .map(deleted -> created + dropped + deleted)));
    }

    /** Creates the partitions of {@code days} days from {@code first} that do not exist yet. */
    public Uni<Integer> ensurePartitions(LocalDate first, int days) {
        return pool.withTransaction(connection -> {
            Uni<Integer> chain = connection.query("select pg_advisory_xact_lock(hashtext('execution.log-partitions'))")
                    .execute().replaceWith(0);
            for (int i = 0; i < days; i++) {
                LocalDate day = first.plusDays(i);
                chain = chain.chain(count -> connection.preparedQuery(
                                "select to_regclass($1) is null as missing").execute(Tuple.of("execution." + PREFIX + DAY.format(day)))
                        .chain(rows -> !rows.iterator().next().getBoolean("missing") ? Uni.createFrom().item(count)
                                : connection.query(createPartition(day)).execute().replaceWith(count + 1)));
            }
            return chain;
        });
    }

    private static String createPartition(LocalDate day) {
        return "create table execution." + PREFIX + DAY.format(day) + " partition of execution.execution_logs"
                + " for values from ('" + day + " 00:00:00+00') to ('" + day.plusDays(1) + " 00:00:00+00')";
    }

    /** Detaches and drops every partition whose whole day lies before {@code cutoff}. */
    public Uni<Integer> dropPartitionsBefore(Instant cutoff) {
        LocalDate lastDropped = cutoff.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1);
        return pool.query("""
                        select c.relname from pg_inherits i
                        join pg_class c on c.oid = i.inhrelid
                        where i.inhparent = 'execution.execution_logs'::regclass order by c.relname""").execute()
                .chain(rows -> {
                    List<String> old = new ArrayList<>();
                    rows.forEach(row -> {
                        String name = row.getString("relname");
                        // only the daily partitions this class made (execution_logs_yyyyMMdd)
                        if (name.matches(PREFIX + "\\d{8}")
                                && !LocalDate.parse(name.substring(PREFIX.length()), DAY).isAfter(lastDropped)) {
                            old.add(name);
                        }
                    });
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (String name : old) {
                        chain = chain.chain(count -> drop(name).replaceWith(count + 1));
                    }
                    return chain;
                });
    }

    private Uni<Void> drop(String partition) {
        // outside a transaction: DETACH ... CONCURRENTLY takes no lock that blocks the parent's readers and writers
        return pool.query("alter table execution.execution_logs detach partition execution." + partition + " concurrently")
                .execute().replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    // a detach interrupted earlier leaves the partition "detach pending": finish that one
                    LOG.debugf("Detaching %s concurrently failed (%s); finalizing", partition, failure.getMessage());
                    return pool.query("alter table execution.execution_logs detach partition execution." + partition
                            + " finalize").execute().replaceWithVoid();
                })
                .chain(() -> pool.query("drop table execution." + partition).execute().replaceWithVoid())
                .invoke(() -> LOG.infof("Dropped log partition %s (past retention)", partition));
    }

    private Uni<Integer> forgetBatchesBefore(Instant cutoff) {
        return FreshPlans.withTransaction(pool, connection -> connection
                .preparedQuery("delete from execution.log_batches where stored_at < $1")
                .execute(Tuple.of(cutoff.atOffset(ZoneOffset.UTC))).map(rows -> rows.rowCount()));
    }

    /** Deletes finished executions (with their steps) that ended before {@code cutoff}, a batch at a time. */
    public Uni<Integer> deleteExecutionsBefore(Instant cutoff) {
        return FreshPlans.withTransaction(pool, connection -> connection.preparedQuery("""
                        delete from execution.executions where id in (
                            select id from execution.executions
                            where completed_at < $1 and status not in (%s)
                            limit $2 for update skip locked)""".formatted(ExecutionStatus.openAsSql()))
                .execute(Tuple.of(cutoff.atOffset(ZoneOffset.UTC), DELETE_BATCH)))
                .chain(rows -> rows.rowCount() == DELETE_BATCH
                        ? deleteExecutionsBefore(cutoff).map(more -> more + DELETE_BATCH)
                        : Uni.createFrom().item(rows.rowCount()));
    }
}
