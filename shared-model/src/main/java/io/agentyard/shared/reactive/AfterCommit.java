package io.agentyard.shared.reactive;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.mutiny.Uni;

/**
 * Work that must wait until the current transaction has committed: wake-ups and live
 * notifications that would send followers to read state not yet visible. Code inside the
 * transaction registers it on the current (duplicated) Vert.x context; whoever ran the transaction
 * calls {@link #run()} after the commit, or {@link #discard()} after a rollback. Failures of this
 * work are logged, never raised: the transaction has committed.
 */
public final class AfterCommit {

    private static final Logger LOG = Logger.getLogger(AfterCommit.class);
    private static final String KEY = "agentyard.after-commit";

    private AfterCommit() {
    }

    /**
     * Runs {@code work} in a transaction, then what it registered once the transaction has
     * committed (nothing of it after a rollback).
     */
    public static <T> Uni<T> transaction(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work).call(AfterCommit::run).onFailure().invoke(AfterCommit::discard);
    }

    /** Runs {@code action} once the transaction of the current context has committed. */
    public static void register(Supplier<Uni<Void>> action) {
        List<Supplier<Uni<Void>>> actions = ContextLocals.<List<Supplier<Uni<Void>>>>get(KEY).orElse(null);
        if (actions == null) {
            actions = new ArrayList<>();
            ContextLocals.put(KEY, actions);
        }
        actions.add(action);
    }

    /** Runs, in order, what the committed transaction registered. */
    public static Uni<Void> run() {
        List<Supplier<Uni<Void>>> actions = take();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Supplier<Uni<Void>> action : actions) {
            chain = chain.chain(() -> Uni.createFrom().<Void>deferred(action::get)
                    .onFailure().invoke(failure -> LOG.warnf("After-commit work failed: %s", failure.getMessage()))
                    .onFailure().recoverWithNull());
        }
        return chain;
    }

    /** Forgets what a rolled-back transaction registered. */
    public static void discard() {
        take();
    }

    private static List<Supplier<Uni<Void>>> take() {
        List<Supplier<Uni<Void>>> actions = ContextLocals.<List<Supplier<Uni<Void>>>>get(KEY).orElse(List.of());
        ContextLocals.remove(KEY);
        return actions;
    }
}
