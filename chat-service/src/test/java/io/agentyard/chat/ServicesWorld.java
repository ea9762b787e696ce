package io.agentyard.chat;

import java.util.HashMap;
import java.util.Map;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.ServiceClients;
import io.agentyard.shared.testing.SiblingService;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real identity-service, task-service and agent-service beside chat-service, in the run's
 * world (database, Redis prefix, keys): chat-service gets a {@code service} client of identity for
 * asking task-service who holds a task, reads agents from agent-service with the caller's token,
 * and task-service consumes chat-service's events from the same Redis prefix.
 */
public class ServicesWorld implements QuarkusTestResourceLifecycleManager {

    static final java.time.Duration LEASE = java.time.Duration.ofSeconds(6);

    static volatile SiblingService identity;
    static volatile SiblingService taskService;
    static volatile SiblingService agentService;

    @Override
    public Map<String, String> start() {
        FreshDatabaseResource.World world = FreshDatabaseResource.current();
        identity = SiblingService.launch("identity-service", Map.of(
                "AGENTYARD_JWT_PRIVATE_KEY_LOCATION", world.privateKey().toString(),
                "AGENTYARD_JWT_PUBLIC_KEY_LOCATION", world.publicKey().toUri().toString()));
        // short leases, reaped often: a question must keep its task's lease well past one
        taskService = SiblingService.launch("task-service", Map.of("AGENTYARD_TASK_LEASE_INTERVAL", LEASE.toString(),
                "AGENTYARD_TASK_REAPER_INTERVAL", "PT1S"));
        agentService = SiblingService.launch("agent-service",
                Map.of("AGENTYARD_TASK_SERVICE_URL", taskService.url()));
        Map<String, String> config = new HashMap<>(ServiceClients.create(identity.url(), world, "chat-service"));
        config.put("quarkus.rest-client.task-service.url", taskService.url());
        config.put("quarkus.rest-client.agent-service.url", agentService.url());
        return config;
    }

    @Override
    public void stop() {
        for (SiblingService service : new SiblingService[]{agentService, taskService, identity}) {
            if (service != null) {
                service.stop();
            }
        }
    }

    @Override
    public int order() {
        return 10; // after FreshDatabaseResource, whose world this joins
    }
}
