package io.agentyard.execution.execution;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * execution-service's metrics (docs/metrics.md): log lines ingested, counted as each batch is
 * stored (a repeated batch is not counted twice), and executions running, read by a round every
 * {@code agentyard.metrics.refresh-interval} from the open executions' partial index (the gauge
 * reads the round's last answer; every replica reports the same number: {@code max}, not
 * {@code sum}).
 */
@ApplicationScoped
public class ExecutionMetrics {

    private static final Logger LOG = Logger.getLogger(ExecutionMetrics.class);
    private static final double[] BATCH_LINES = {1, 10, 50, 100, 250, 500, 1000, 5000};

    /** Counts running executions through {@code executions_open_idx}. */
    static final String RUNNING = "select count(*) from execution.executions where status = 'running'";

    private final Pool pool;
    private final Counter lines;
    private final DistributionSummary batches;
    private final AtomicLong running = new AtomicLong();

    ExecutionMetrics(Pool pool, MeterRegistry metrics) {
        this.pool = pool;
        this.lines = Counter.builder("agentyard.log.lines.ingested")
                .description("Log lines stored (a batch sent again under the same key counts once)").register(metrics);
        this.batches = DistributionSummary.builder("agentyard.log.batch.lines")
                .description("Lines per stored log batch").serviceLevelObjectives(BATCH_LINES).register(metrics);
        Gauge.builder("agentyard.executions.running", running, AtomicLong::get)
                .description("Executions running now (all replicas: the database's count)").register(metrics);
    }

    /** A log batch of {@code count} lines was stored. */
    public void logBatchStored(int count) {
        lines.increment(count);
        batches.record(count);
    }

    @Scheduled(identity = "execution-metrics", every = "${agentyard.metrics.refresh-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().onFailure().invoke(failure -> LOG.debugf("Counting running executions failed: %s",
                failure.getMessage())).onFailure().recoverWithNull();
    }

    /** One round: counts the running executions. */
    public Uni<Void> refresh() {
        return pool.query(RUNNING).execute().invoke(rows -> running.set(rows.iterator().next().getLong(0)))
                .replaceWithVoid();
    }
}
