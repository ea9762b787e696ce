package io.agentyard.shared.page;

import java.util.ArrayList;
import java.util.List;

import io.quarkus.panache.common.Parameters;

/**
 * The where-clause of a filtered list query, built from optional filters: a filter whose value is
 * null is left out. {@code Conditions.of().equal("status", status).equal("ownerId", owner)}.
 */
public final class Conditions {

    private final List<String> clauses = new ArrayList<>();
    private final Parameters params = new Parameters();

    private Conditions() {
    }

    public static Conditions of() {
        return new Conditions();
    }

    /** {@code field = value}, when value is not null. */
    public Conditions equal(String field, Object value) {
        if (value != null) {
            String name = "p" + clauses.size();
            clauses.add(field + " = :" + name);
            params.and(name, value);
        }
        return this;
    }

    /** A clause with one named parameter of its own, e.g. {@code exists (...) = :capability}. */
    public Conditions where(String clause, String name, Object value) {
        if (value != null) {
            clauses.add(clause);
            params.and(name, value);
        }
        return this;
    }

    public String query() {
        return clauses.isEmpty() ? "1 = 1" : String.join(" and ", clauses);
    }

    public Parameters params() {
        return params;
    }
}
