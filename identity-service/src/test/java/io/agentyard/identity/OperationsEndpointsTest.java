package io.agentyard.identity;

import java.util.Set;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.OperationsEndpointsContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class OperationsEndpointsTest extends OperationsEndpointsContract {

    /** identity-service consumes no events; its tests do, through RecordingHandler, and so serve the consumers' metrics. */
    @Override
    protected Set<String> servedOnlyInTests() {
        return Set.of("agentyard_events_consumed_total", "agentyard_events_failed_total",
                "agentyard_events_dead_lettered_total", "agentyard_events_pending", "agentyard_events_consumer_lag",
                "agentyard_events_dead_letter_entries");
    }
}
