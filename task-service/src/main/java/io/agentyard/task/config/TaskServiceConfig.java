package io.agentyard.task.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** Settings of task-service ({@code agentyard.task.*}). */
@ConfigMapping(prefix = "agentyard.task")
public interface TaskServiceConfig {

    /** How long a claim holds a work order without a heartbeat, unless the order says otherwise. */
    Duration defaultLease();

    /** Retries of a work order after its first attempt expires or fails. */
    int maxRetries();

    /** Wait before the first retry; doubles with each further retry. */
    Duration retryBackoff();

    Duration maxRetryBackoff();

    /** How often expired leases are looked for. */
    Duration reaperInterval();

    /** A waiting claim re-checks the queue at least this often (wake-ups make it sooner). */
    Duration claimPollInterval();
}
