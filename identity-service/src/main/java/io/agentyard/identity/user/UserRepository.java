package io.agentyard.identity.user;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.page.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    /** The user whose username or email is {@code login}, ignoring case. */
    public Uni<User> findByLogin(String login) {
        return find("lower(username) = ?1 or lower(email) = ?1", login.toLowerCase()).firstResult();
    }

    public Uni<Boolean> usernameTaken(String username) {
        return count("lower(username) = ?1", username.toLowerCase()).map(n -> n > 0);
    }

    public Uni<Boolean> emailTaken(String email, UUID except) {
        return count("lower(email) = ?1 and id <> ?2", email.toLowerCase(), except == null ? new UUID(0, 0) : except)
                .map(n -> n > 0);
    }

    public Uni<Boolean> anyAdmin() {
        return count("role", UserRole.admin).map(n -> n > 0);
    }

    public record Filter(UserRole role, Boolean active) {
    }

    public Uni<List<User>> list(Filter filter, PageRequest page) {
        Query query = query(filter);
        return find(query.where, Sort.by("createdAt").and("id"), query.params).page(page.toPanache()).list();
    }

    public Uni<Long> count(Filter filter) {
        Query query = query(filter);
        return count(query.where, query.params);
    }

    private record Query(String where, Parameters params) {
    }

    private static Query query(Filter filter) {
        List<String> conditions = new ArrayList<>();
        Parameters params = new Parameters();
        if (filter.role() != null) {
            conditions.add("role = :role");
            params.and("role", filter.role());
        }
        if (filter.active() != null) {
            conditions.add("active = :active");
            params.and("active", filter.active());
        }
        return new Query(conditions.isEmpty() ? "1 = 1" : String.join(" and ", conditions), params);
    }
}
