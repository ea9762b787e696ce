package io.agentyard.agent;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.OperationsEndpointsContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class OperationsEndpointsTest extends OperationsEndpointsContract {
}
