package io.agentyard.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.reactive.FreshPlans;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Background rounds plan their statements afresh (FreshPlans); the request hot path, on the same
 * pooled connections, keeps PostgreSQL's plan cache: the setting must not outlive the round's
 * transaction.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class FreshPlansTest {

    @Inject
    Pool pool;

    @Test
    void aRoundPlansAfreshAndLeavesTheConnectionAsItWas() throws Throwable {
        for (int round = 0; round < 25; round++) {
            assertEquals("force_custom_plan", VertxContextSupport.subscribeAndAwait(
                    () -> FreshPlans.withTransaction(FreshPlansTest::planCacheMode)));
        }
        // more transactions than the pool has connections: every one is back to PostgreSQL's default
        for (int request = 0; request < 25; request++) {
            assertEquals("auto", VertxContextSupport.subscribeAndAwait(
                    () -> Panache.withTransaction(FreshPlansTest::planCacheMode)));
        }
    }

    @Test
    void aRoundOnThePoolPlansAfreshAndLeavesTheConnectionAsItWas() {
        for (int round = 0; round < 25; round++) {
            assertEquals("force_custom_plan", FreshPlans.withTransaction(pool, connection -> connection
                    .query("select current_setting('plan_cache_mode')").execute()
                    .map(rows -> rows.iterator().next().getString(0))).await().indefinitely());
        }
        for (int request = 0; request < 25; request++) {
            assertEquals("auto", pool.withTransaction(connection -> connection
                    .query("select current_setting('plan_cache_mode')").execute()
                    .map(rows -> rows.iterator().next().getString(0))).await().indefinitely());
        }
    }

    private static Uni<String> planCacheMode() {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select current_setting('plan_cache_mode')", String.class).getSingleResult());
    }
}
