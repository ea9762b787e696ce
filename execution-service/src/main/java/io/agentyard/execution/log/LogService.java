package io.agentyard.execution.log;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.execution.config.ExecutionServiceConfig;
import io.agentyard.execution.execution.ExecutionMetrics;
import io.agentyard.execution.execution.ExecutionService;
import io.agentyard.execution.live.LiveFeed;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * Execution logs: appended in batches by the worker holding a running execution, read and followed
 * by whoever may read the execution.
 * <p>
 * An append is one statement ({@link LogStore#append}). Only when it stores nothing does the
 * service find out why: a batch key seen before (answered as the first time), an execution not
 * recorded yet (looked up in task-service, recorded, and the append retried once), another worker
 * (403) or a finished run (409).
 */
@ApplicationScoped
public class LogService {

    public static final int MAX_BATCH_KEY = 100;

    private final LogStore store;
    private final ExecutionService executions;
    private final LiveFeed live;
    private final ExecutionServiceConfig.Logs config;
    private final ExecutionMetrics metrics;

    LogService(LogStore store, ExecutionService executions, LiveFeed live, ExecutionServiceConfig config,
               ExecutionMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.executions = executions;
        this.live = live;
        this.config = config.logs();
    }

    public Uni<LogDtos.Stored> append(Caller caller, UUID executionId, String batchKey, LogDtos.Batch batch) {
        if (!caller.hasRole(Roles.WORKER)) {
            return Uni.createFrom().failure(ProblemException.forbidden("only the worker holding an execution writes to it"));
        }
        if (batchKey != null && (batchKey.isBlank() || batchKey.length() > MAX_BATCH_KEY)) {
            return Uni.createFrom().failure(ProblemException.invalidField("Idempotency-Key",
                    "must be 1 to " + MAX_BATCH_KEY + " characters"));
        }
        LogStore.AppendParams params = paramsOf(caller.id(), executionId, batchKey, batch);
        int count = params.levels().length;
        return store.append(params).chain(first -> first != null ? stored(executionId, first, count, false)
                : whyNot(caller, params, true));
    }

    /**
     * The append stored nothing. A batch key seen before is answered as the first time; otherwise
     * {@link ExecutionService#writable} says why (403, 409), or records a run the claim event has
     * not brought yet (asking task-service), after which the append is tried once more.
     */
    private Uni<LogDtos.Stored> whyNot(Caller caller, LogStore.AppendParams params, boolean mayRetry) {
        UUID id = params.executionId();
        return store.earlierBatch(id, params.batchKey()).chain(earlier -> {
            if (earlier != null) {
                return Uni.createFrom().item(new LogDtos.Stored(earlier.firstSequence(),
                        earlier.firstSequence() + earlier.count() - 1, earlier.count(), true));
            }
            return executions.writable(caller, id).chain(held -> {
                if (!mayRetry) {
                    throw ProblemException.conflict("execution " + id + " changed while the batch was stored; send it again");
                }
                return store.append(params).chain(first -> first != null ? stored(id, first, params.levels().length, false)
                        : whyNot(caller, params, false));
            });
        });
    }

    private Uni<LogDtos.Stored> stored(UUID executionId, long first, int count, boolean duplicate) {
        long last = first + count - 1;
        metrics.logBatchStored(count); // the append has committed: one statement, no transaction around it
        return live.publish(executionId, LiveFeed.LOGS, Map.of("lastSequence", last))
                .replaceWith(new LogDtos.Stored(first, last, count, duplicate));
    }

    /** Checks the batch in one pass (400 for a bad line, 413 past the limits) and lays it out as columns. */
    LogStore.AppendParams paramsOf(UUID workerId, UUID executionId, String batchKey, LogDtos.Batch batch) {
        List<LogDtos.Line> lines = batch == null ? null : batch.lines();
        if (lines == null || lines.isEmpty()) {
            throw ProblemException.invalidField("lines", "must hold at least one line");
        }
        if (lines.size() > config.batchMaxLines()) {
            throw ProblemException.payloadTooLarge("a batch holds at most " + config.batchMaxLines() + " lines, this one "
                    + lines.size());
        }
        int n = lines.size();
        String[] levels = new String[n];
        String[] messages = new String[n];
        String[] metadata = new String[n];
        OffsetDateTime[] loggedAt = new OffsetDateTime[n];
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            LogDtos.Line line = lines.get(i);
            if (line == null) {
                throw ProblemException.invalidField("lines[" + i + "]", "must not be null");
            }
            if (line.level() == null) {
                throw ProblemException.invalidField("lines[" + i + "].level", "must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL");
            }
            if (line.message() == null) {
                throw ProblemException.invalidField("lines[" + i + "].message", "must not be null");
            }
            levels[i] = line.level().name();
            messages[i] = line.message();
            metadata[i] = line.metadata() == null ? null : new JsonObject(line.metadata()).encode();
            bytes += utf8Length(messages[i]) + (metadata[i] == null ? 0 : utf8Length(metadata[i]));
            loggedAt[i] = line.loggedAt() == null ? now : line.loggedAt().atOffset(ZoneOffset.UTC);
        }
        if (bytes > config.batchMaxBytes()) {
            throw ProblemException.payloadTooLarge("a batch holds at most " + config.batchMaxBytes()
                    + " bytes of messages and metadata, this one " + bytes);
        }
        return new LogStore.AppendParams(executionId, workerId, batchKey, levels, messages, metadata, loggedAt);
    }

    private static int utf8Length(String text) {
        int length = text.length();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return text.getBytes(StandardCharsets.UTF_8).length; // rare: count exactly
            }
        }
        return length;
    }

    /** Lines in sequence order after {@code after}, filtered. */
    public Uni<LogDtos.LogPage> query(Caller caller, UUID executionId, long after, List<LogDtos.Level> levels,
                                      Instant from, Instant to, String contains, int limit) {
        String[] levelNames = levels == null || levels.isEmpty() ? null
                : levels.stream().map(Enum::name).toArray(String[]::new);
        return executions.readable(caller, executionId)
                .chain(execution -> store.query(new LogStore.QueryParams(executionId, after, levelNames, from, to,
                        contains == null || contains.isEmpty() ? null : contains, limit + 1)))
                .map(lines -> {
                    boolean more = lines.size() > limit;
                    List<LogDtos.LogLine> page = more ? lines.subList(0, limit) : lines;
                    return new LogDtos.LogPage(page, more ? page.get(page.size() - 1).sequence() : null);
                });
    }
}
