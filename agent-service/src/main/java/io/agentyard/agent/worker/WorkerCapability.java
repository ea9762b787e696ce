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

/** One skill of a worker (e.g. "java", expert); unique per worker and name. */
@Entity
@Table(name = "worker_capabilities")
public class WorkerCapability {

    /** Ordered: a requirement of a level is met by that level or any above it. */
    @Schema(name = "CapabilityLevel")
    public enum Level { beginner, intermediate, advanced, expert }

    @Id
    public UUID id;

    @Column(name = "worker_id")
    public UUID workerId;

    @Column(name = "capability_name")
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "capability_level")
    public Level level;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metadata;

    @Column(name = "created_at")
    public Instant createdAt;
}
