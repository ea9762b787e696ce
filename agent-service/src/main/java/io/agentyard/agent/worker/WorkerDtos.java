package io.agentyard.agent.worker;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /api/workers. */
public final class WorkerDtos {

    private WorkerDtos() {
    }

    static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._ -]*$";
    static final String NAME_RULE = "must be letters, digits, '.', '_', '-' or spaces";
    static final String CAPABILITY_PATTERN = "^[A-Za-z0-9][A-Za-z0-9.+#_-]*$";
    static final String CAPABILITY_RULE = "must be letters, digits, '.', '+', '#', '_' or '-'";

    @Schema(name = "WorkerCapability")
    public record Capability(
            @NotBlank @Size(max = 100) @Pattern(regexp = CAPABILITY_PATTERN, message = CAPABILITY_RULE) String name,
            WorkerCapability.Level level,
            @Size(max = 50) Map<String, Object> metadata) {
    }

    @Schema(name = "WorkerRegistration")
    public record Register(
            @NotBlank @Size(max = 100) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            @NotNull Worker.Type workerType,
            @Size(max = 50) String version,
            @Min(1) @Max(1000) Integer maxConcurrentTasks,
            @Min(1) @Max(7 * 24 * 3600) Integer timeoutSeconds,
            @Min(1000) @Max(100_000_000) Integer contextWindowSize,
            @Size(max = 100) Map<String, Object> config,
            @Size(max = 100) List<@Valid @NotNull Capability> capabilities) {
    }

    /** PATCH: fields left out stay; {@code capabilities}, when present, replace the worker's set. */
    @Schema(name = "WorkerUpdate")
    public record Update(
            @Size(min = 1, max = 100) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            Worker.Type workerType,
            @Size(max = 50) String version,
            @Min(1) @Max(1000) Integer maxConcurrentTasks,
            @Min(1) @Max(7 * 24 * 3600) Integer timeoutSeconds,
            @Min(1000) @Max(100_000_000) Integer contextWindowSize,
            @Size(max = 100) Map<String, Object> config,
            @Size(max = 100) List<@Valid @NotNull Capability> capabilities) {

        /** A registration applied to a worker that exists (PUT /api/workers/me): every field it sends. */
        static Update of(Register register) {
            return new Update(register.name(), register.workerType(), register.version(),
                    register.maxConcurrentTasks(), register.timeoutSeconds(), register.contextWindowSize(),
                    register.config(), register.capabilities());
        }
    }

    /** What a worker reports about itself: {@code idle}, {@code busy} or {@code error}, and its load. */
    @Schema(name = "WorkerHeartbeat")
    public record Heartbeat(@NotNull Worker.Status status, @NotNull @Min(0) Integer currentLoad) {
    }

    @Schema(name = "WorkerCapabilityResponse")
    public record CapabilityResponse(String name, WorkerCapability.Level level, Map<String, Object> metadata) {
    }

    /**
     * A worker. {@code heartbeatIntervalSeconds} is how often it should heartbeat (a third of the
     * heartbeat timeout); {@code createdBy} is the admin who registered it, or the worker's own id
     * when it registered itself.
     */
    public record WorkerResponse(UUID id, String name, Worker.Type workerType, Worker.Status status, String version,
                                 int maxConcurrentTasks, int timeoutSeconds, int contextWindowSize,
                                 Map<String, Object> config, int currentLoad, int freeSlots,
                                 Instant lastHeartbeatAt, long heartbeatIntervalSeconds,
                                 List<CapabilityResponse> capabilities, UUID createdBy,
                                 Instant createdAt, Instant updatedAt) {

        static WorkerResponse from(Worker worker, List<WorkerCapability> capabilities, long heartbeatIntervalSeconds) {
            return new WorkerResponse(worker.id, worker.name, worker.workerType, worker.status, worker.version,
                    worker.maxConcurrentTasks, worker.timeoutSeconds, worker.contextWindowSize, worker.config,
                    worker.currentLoad, Math.max(0, worker.maxConcurrentTasks - worker.currentLoad),
                    worker.lastHeartbeatAt, heartbeatIntervalSeconds, capabilities.stream()
                            .map(c -> new CapabilityResponse(c.name, c.level, c.metadata)).toList(),
                    worker.createdBy, worker.createdAt, worker.updatedAt);
        }
    }

    /** A required capability of the eligibility query: {@code name} or {@code name:level}. */
    public record Requirement(String name, WorkerCapability.Level minimum) {

        static Requirement parse(String value) {
            String[] parts = value.trim().split(":", 2);
            if (parts[0].isBlank()) {
                throw io.agentyard.shared.problem.ProblemException.invalidField("capability",
                        "must be a name or name:level");
            }
            WorkerCapability.Level level = WorkerCapability.Level.beginner;
            if (parts.length == 2) {
                try {
                    level = WorkerCapability.Level.valueOf(parts[1].trim().toLowerCase());
                } catch (IllegalArgumentException e) {
                    throw io.agentyard.shared.problem.ProblemException.invalidField("capability",
                            "level must be one of beginner, intermediate, advanced, expert");
                }
            }
            return new Requirement(parts[0].trim().toLowerCase(), level);
        }

        boolean metBy(List<WorkerCapability> capabilities) {
            return capabilities.stream().anyMatch(c -> c.name.equalsIgnoreCase(name) && c.level.compareTo(minimum) >= 0);
        }
    }
}
