package io.agentyard.identity.user;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
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

        Conditions conditions() {
            return Conditions.of().equal("role", role).equal("active", active);
        }
    }

    public Uni<List<User>> list(Filter filter, PageRequest page) {
        Conditions where = filter.conditions();
        return find(where.query(), Sort.by("createdAt").and("id"), where.params()).page(page.toPanache()).list();
    }

    public Uni<Long> count(Filter filter) {
        Conditions where = filter.conditions();
        return count(where.query(), where.params());
    }
}
