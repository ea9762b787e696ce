package io.agentyard.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.reactive.FreshPlans;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * Background rounds plan their statements afresh (FreshPlans); the request hot path, on the same
 * pooled connections, keeps PostgreSQL's plan cache: the setting must not outlive the round's
 * transaction.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class FreshPlansTest {

    @Test
    void aRoundPlansAfreshAndLeavesTheConnectionAsItWas() throws Throwable {
        for (int round = 0; round < 25; round++) {
            assertEquals("force_custom_plan", VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                    () -> FreshPlans.forThisTransaction().chain(FreshPlansTest::planCacheMode))));
        }
        // more transactions than the pool has connections: every one is back to PostgreSQL's default
        for (int request = 0; request < 25; request++) {
            assertEquals("auto", VertxContextSupport.subscribeAndAwait(
                    () -> Panache.withTransaction(FreshPlansTest::planCacheMode)));
        }
    }

    private static Uni<String> planCacheMode() {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select current_setting('plan_cache_mode')", String.class).getSingleResult());
    }
}
