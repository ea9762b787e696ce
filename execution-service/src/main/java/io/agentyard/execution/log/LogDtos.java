package io.agentyard.execution.log;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /api/executions/{id}/logs. */
public final class LogDtos {

    private LogDtos() {
    }

    @Schema(name = "LogLevel")
    public enum Level { DEBUG, INFO, WARNING, ERROR, CRITICAL }

    /** One line as the worker sends it; {@code loggedAt} defaults to when it arrives. */
    @Schema(name = "LogLineInput")
    public record Line(Level level, String message, Map<String, Object> metadata, Instant loggedAt) {
    }

    /**
     * A batch of lines; its size is bounded (README: lines and bytes per request). Checked by
     * {@link LogService} in one pass rather than by Bean Validation, which costs too much per line
     * on this path.
     */
    @Schema(name = "LogBatch")
    public record Batch(List<Line> lines) {
    }

    /** Where a batch went: sequences first..last. {@code duplicate}: the key was seen, nothing new stored. */
    @Schema(name = "LogBatchStored")
    public record Stored(long firstSequence, long lastSequence, int count, boolean duplicate) {
    }

    public record LogLine(long sequence, Level level, String message, Map<String, Object> metadata,
                          Instant loggedAt) {
    }

    /** A page of lines in sequence order; {@code nextCursor} is the {@code after} of the next page. */
    public record LogPage(List<LogLine> items, Long nextCursor) {
    }
}
