package io.agentyard.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The service as deployed without a collector (as these tests run it) builds no PostgreSQL or Redis
 * client spans: shared-model's ClientSpans reaches Quarkus's runtime configuration.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class ClientSpansWiringTest {

    @Test
    void withNothingRecordedTheServiceBuildsNoClientSpans() {
        var config = ConfigProvider.getConfig();

        assertEquals(false, config.getValue("quarkus.otel.instrument.vertx-sql-client", Boolean.class));
        assertEquals(false, config.getValue("quarkus.otel.instrument.vertx-redis-client", Boolean.class));
    }
}
