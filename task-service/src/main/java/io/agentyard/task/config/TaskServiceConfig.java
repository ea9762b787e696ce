package io.agentyard.task.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of task-service ({@code agentyard.task.*}). */
@ConfigMapping(prefix = "agentyard.task")
public interface TaskServiceConfig {

    /** How long one attempt may run when neither its task nor its worker says. */
    Duration defaultTimeout();

    /**
     * How long a lease lasts without a heartbeat: a claim holds its order this long, and each
     * heartbeat extends it by this much (never past the attempt's timeout).
     */
    Duration leaseInterval();

    /** Retries of a work order after its first attempt expires or fails. */
    int maxRetries();

    /** Wait before the first retry; doubles with each further retry. */
    Duration retryBackoff();

    Duration maxRetryBackoff();

    /** How often expired leases are looked for. */
    Duration reaperInterval();

    /**
     * How often each replica's fallback poll (give or take 20 %, only while claims wait there) looks
     * for available orders nobody announced, such as retries whose backoff ended; announcements wake
     * waiting claims at once.
     */
    Duration claimPollInterval();

    /**
     * Dead row versions in work_orders at which the queue vacuum round vacuums it (0: never; autovacuum
     * alone then, which by default waits for a fifth of the table and looks once a minute).
     */
    long vacuumDeadRows();

    /** How often each replica's queue vacuum round looks at that count. */
    Duration vacuumInterval();

    /**
     * At most this many claims (or completions) share one transaction: those that arrive while the
     * previous batch runs are merged into the next (group commit).
     */
    @WithDefault("64")
    int maxCoalesced();
}
