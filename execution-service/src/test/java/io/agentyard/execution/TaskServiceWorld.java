package io.agentyard.execution;

import java.util.Map;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.ServiceClients;
import io.agentyard.shared.testing.SiblingService;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real identity-service and task-service beside execution-service, in the run's world:
 * execution-service gets a {@code service} client of identity (created through identity's admin
 * API) and asks task-service who holds an execution with that client's token. task-service
 * publishes its events under a key prefix execution-service does not read, so its claims never
 * reach execution-service as events: the only way to learn of them is to ask, as when a worker
 * writes before the claim event has been consumed.
 */
public class TaskServiceWorld implements QuarkusTestResourceLifecycleManager {

    static volatile SiblingService taskService;
    private SiblingService identity;

    @Override
    public Map<String, String> start() {
        FreshDatabaseResource.World world = FreshDatabaseResource.current();
        identity = SiblingService.launch("identity-service", Map.of(
                "AGENTYARD_JWT_PRIVATE_KEY_LOCATION", world.privateKey().toString(),
                "AGENTYARD_JWT_PUBLIC_KEY_LOCATION", world.publicKey().toUri().toString()));
        taskService = SiblingService.launch("task-service",
                Map.of("AGENTYARD_EVENTS_KEY_PREFIX", world.keyPrefix() + "apart:"));
        Map<String, String> config = new java.util.HashMap<>(
                ServiceClients.create(identity.url(), world, "execution-service"));
        config.put("quarkus.rest-client.task-service.url", taskService.url());
        return config;
    }

    @Override
    public void stop() {
        if (taskService != null) {
            taskService.stop();
        }
        if (identity != null) {
            identity.stop();
        }
    }

    @Override
    public int order() {
        return 10; // after FreshDatabaseResource, whose world this joins
    }
}
