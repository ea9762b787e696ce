package io.agentyard.shared.reactive;

import java.util.function.Function;
import java.util.function.Supplier;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Background rounds (lease reapers, sweeps, the outbox relay) plan their statements afresh, for the
 * tables as they are now. Statements stay prepared on each pooled connection
 * ({@code cache-prepared-statements}), and PostgreSQL settles a prepared statement on a generic
 * plan made with the statistics of that moment: one made while a table was nearly empty reads it
 * whole, even nested (measured: a lease reaper's generic plan from empty tables took 89 s to
 * expire 5,000 leases among 200,000 orders; planned afresh, 2.4 ms), until autovacuum's next
 * ANALYZE of the table replaces it. A round runs seldom, so planning it each time costs next to
 * nothing. The dispatch hot path instead pins its plans (task-service's {@code WorkOrderQueue}):
 * planned once per connection, without sequential scans.
 */
public final class FreshPlans {

    /** Makes the statements that follow in the current transaction, and only them, plan afresh. */
    public static final String FOR_THIS_TRANSACTION = "set_config('plan_cache_mode', 'force_custom_plan', true)";

    private FreshPlans() {
    }

    /** {@link #FOR_THIS_TRANSACTION} in the current Panache transaction. */
    public static Uni<Void> forThisTransaction() {
        return Panache.getSession().chain(session -> session.createNativeQuery("select " + FOR_THIS_TRANSACTION)
                .getSingleResult()).replaceWithVoid();
    }

    /** Runs {@code work} in a Panache transaction whose statements plan afresh. */
    public static <T> Uni<T> withTransaction(Supplier<Uni<T>> work) {
        return Panache.withTransaction(() -> forThisTransaction().chain(ignored -> work.get()));
    }

    /** Runs {@code work} in a transaction of {@code pool} whose statements plan afresh. */
    public static <T> Uni<T> withTransaction(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(connection -> connection.query("select " + FOR_THIS_TRANSACTION).execute()
                .chain(() -> work.apply(connection)));
    }
}
