package io.agentyard.task.worker;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** What task-service knows of an agent-service worker, from worker.* events: enough to bound claims. */
@Entity
@Table(name = "workers")
public class KnownWorker {

    @Id
    public UUID id;

    @Column(name = "worker_type")
    public String workerType;

    @Column(name = "max_concurrent_tasks")
    public int maxConcurrentTasks;

    public String status;

    /** How long one attempt may run on this worker when its task does not say (agent-service's timeoutSeconds). */
    @Column(name = "timeout_seconds")
    public Integer timeoutSeconds;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
