package io.agentyard.execution.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of execution-service ({@code agentyard.execution.*}); README lists their variables. */
@ConfigMapping(prefix = "agentyard.execution")
public interface ExecutionServiceConfig {

    Logs logs();

    Retention retention();

    interface Logs {
        /** Most lines one POST may carry (413 beyond). */
        @WithDefault("1000")
        int batchMaxLines();

        /** Most bytes of messages and metadata one POST may carry (413 beyond). */
        @WithDefault("524288")
        int batchMaxBytes();

        /** How often a live tail looks for new lines when no wake-up came (wake-ups are hints). */
        @WithDefault("PT1S")
        Duration tailPoll();

        /** Most lines a tail reads per query. */
        @WithDefault("1000")
        int tailChunk();
    }

    interface Retention {
        /** Logs older than this are dropped, a day's partition at a time. */
        @WithDefault("P30D")
        Duration logs();

        /** Finished executions older than this are deleted with their steps. */
        @WithDefault("P90D")
        Duration executions();

        /** Days of log partitions kept ready ahead of today. */
        @WithDefault("3")
        int partitionsAhead();

        /** How often partitions are created ahead and old data is dropped (also at start). */
        @WithDefault("PT1H")
        Duration interval();
    }
}
