package io.agentyard.agent.worker;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A coding-agent process (e.g. a Claude Code instance) that claims and runs work orders. */
@Entity
@Table(name = "workers")
public class Worker {

    /** The kind of task a worker serves; the same names as task types. */
    @Schema(name = "WorkerType")
    public enum Type { feature, bugfix, test, docs, refactor, review }

    @Schema(name = "WorkerStatus")
    public enum Status { idle, busy, offline, error }

    @Id
    public UUID id;

    public String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "worker_type")
    public Type workerType;

    @Enumerated(EnumType.STRING)
    public Status status;

    public String version;

    @Column(name = "max_concurrent_tasks")
    public int maxConcurrentTasks;

    @Column(name = "timeout_seconds")
    public int timeoutSeconds;

    @Column(name = "context_window_size")
    public int contextWindowSize;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> config;

    @Column(name = "current_load")
    public int currentLoad;

    @Column(name = "last_heartbeat_at")
    public Instant lastHeartbeatAt;

    @Column(name = "created_by")
    public UUID createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
