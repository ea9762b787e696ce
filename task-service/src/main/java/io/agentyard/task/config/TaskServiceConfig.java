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

    /**
     * How often each replica's fallback poll (give or take 20 %, only while claims wait there) looks
     * for available orders nobody announced, such as retries whose backoff ended; announcements wake
     * waiting claims at once.
     */
    Duration claimPollInterval();
}
