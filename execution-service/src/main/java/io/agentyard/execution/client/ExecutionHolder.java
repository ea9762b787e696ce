package io.agentyard.execution.client;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * task-service's answer to "who holds this execution": the claim behind it. {@code status} is the
 * worker assignment's: {@code active} while the worker may still write.
 */
@JsonIgnoreProperties(ignoreUnknown = true) // a tolerant reader: task-service may add fields
public record ExecutionHolder(UUID executionId, UUID workOrderId, UUID taskId, UUID workerId, int attempt,
                              String status, UUID ownerId, UUID agentId, UUID workflowId, Map<String, Object> input,
                              Instant claimedAt) {

    public boolean active() {
        return "active".equals(status);
    }
}
