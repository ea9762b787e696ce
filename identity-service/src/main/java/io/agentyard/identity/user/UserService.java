package io.agentyard.identity.user;

import java.time.Instant;
import java.util.HashMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.identity.token.RefreshTokenRepository;
import io.agentyard.shared.events.IdentityEvents;
import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Accounts: registration, profiles, passwords, and what admins do to users. */
@ApplicationScoped
public class UserService {

    private final UserRepository users;
    private final RefreshTokenRepository refreshTokens;
    private final PasswordHasher hasher;
    private final Outbox outbox;

    UserService(UserRepository users, RefreshTokenRepository refreshTokens, PasswordHasher hasher, Outbox outbox) {
        this.users = users;
        this.refreshTokens = refreshTokens;
        this.hasher = hasher;
        this.outbox = outbox;
    }

    /** Self-service sign-up: always a developer, not yet verified. */
    @WithTransaction
    public Uni<UserResponse> register(UserRequests.Register request) {
        PasswordPolicy.check("password", request.password(), request.username());
        return create(request.username(), request.email(), request.password(), request.fullName(), UserRole.developer)
                .map(UserResponse::from);
    }

    /** Creates a user in the caller's transaction, refusing taken usernames and emails (409). */
    Uni<User> create(String username, String email, String password, String fullName, UserRole role) {
        return ProblemException.conflictIf(users.usernameTaken(username), "username '" + username + "' is already taken")
                .chain(() -> ProblemException.conflictIf(users.emailTaken(email, null),
                        "email '" + email + "' is already registered"))
                .chain(() -> hasher.hash(password))
                .chain(hash -> {
                    Instant now = Instant.now();
                    User user = new User();
                    user.id = UUID.randomUUID();
                    user.username = username;
                    user.email = email.toLowerCase();
                    user.passwordHash = hash;
                    user.fullName = blankToNull(fullName);
                    user.role = role;
                    user.active = true;
                    user.verified = false;
                    user.settings = new HashMap<>();
                    user.createdAt = now;
                    user.updatedAt = now;
                    return users.persist(user);
                })
                .call(user -> outbox.record(IdentityEvents.USER_REGISTERED, user.id,
                        new IdentityEvents.UserRegistered(user.id, user.username, user.email, user.role.name())));
    }

    @WithSession
    public Uni<UserResponse> profile(UUID userId) {
        return activeUser(userId).map(UserResponse::from);
    }

    @WithTransaction
    public Uni<UserResponse> updateProfile(UUID userId, UserRequests.ProfileUpdate update) {
        return activeUser(userId).chain(user -> {
            Uni<Void> emailCheck = update.email() == null ? Uni.createFrom().voidItem()
                    : ProblemException.conflictIf(users.emailTaken(update.email(), user.id),
                            "email '" + update.email() + "' is already registered");
            return emailCheck.chain(ignored -> {
                if (update.fullName() != null) {
                    user.fullName = blankToNull(update.fullName());
                }
                if (update.email() != null && !update.email().equalsIgnoreCase(user.email)) {
                    user.email = update.email().toLowerCase();
                    user.verified = false; // a new address has not been verified
                }
                if (update.settings() != null) {
                    user.settings = new HashMap<>(update.settings());
                }
                user.updatedAt = Instant.now();
                return recordUpdated(user);
            });
        });
    }

    /** Changes the password and signs the user out everywhere (all refresh tokens revoked). */
    @WithTransaction
    public Uni<Void> changePassword(UUID userId, UserRequests.ChangePassword request) {
        return activeUser(userId)
                .chain(user -> hasher.matches(request.currentPassword(), user.passwordHash).chain(ok -> {
                    if (!ok) {
                        throw ProblemException.invalidField("currentPassword", "is not your current password");
                    }
                    PasswordPolicy.check("newPassword", request.newPassword(), user.username);
                    return hasher.hash(request.newPassword());
                }).chain(hash -> {
                    Instant now = Instant.now();
                    user.passwordHash = hash;
                    user.updatedAt = now;
                    return refreshTokens.revokeAllOf(user.id, now);
                }))
                .replaceWithVoid();
    }

    @WithSession
    public Uni<Page<UserResponse>> list(UserRepository.Filter filter, PageRequest page) {
        return users.list(filter, page)
                .chain(found -> users.count(filter).map(total -> Page.of(found, UserResponse::from, page, total)));
    }

    @WithSession
    public Uni<UserResponse> get(UUID id) {
        return existing(id).map(UserResponse::from);
    }

    @WithTransaction
    public Uni<UserResponse> changeRole(UUID adminId, UUID id, UserRole role) {
        if (adminId.equals(id) && role != UserRole.admin) {
            return Uni.createFrom().failure(ProblemException.conflict(
                    "admins cannot remove their own admin role; ask another admin"));
        }
        return existing(id).chain(user -> {
            if (user.role == role) {
                return Uni.createFrom().item(UserResponse.from(user));
            }
            UserRole previous = user.role;
            user.role = role;
            user.updatedAt = Instant.now();
            return outbox.record(IdentityEvents.USER_ROLE_CHANGED, user.id,
                            new IdentityEvents.UserRoleChanged(user.id, previous.name(), role.name()))
                    .map(event -> UserResponse.from(user));
        });
    }

    /** Deactivates a user: no more logins or refreshes, and every refresh token is revoked. */
    @WithTransaction
    public Uni<UserResponse> deactivate(UUID adminId, UUID id) {
        if (adminId.equals(id)) {
            return Uni.createFrom().failure(ProblemException.conflict("admins cannot deactivate themselves"));
        }
        return existing(id).chain(user -> {
            if (!user.active) {
                return Uni.createFrom().item(UserResponse.from(user));
            }
            Instant now = Instant.now();
            user.active = false;
            user.updatedAt = now;
            return refreshTokens.revokeAllOf(user.id, now)
                    .chain(() -> outbox.record(IdentityEvents.USER_DEACTIVATED, user.id,
                            new IdentityEvents.UserDeactivated(user.id)))
                    .map(event -> UserResponse.from(user));
        });
    }

    @WithTransaction
    public Uni<UserResponse> activate(UUID id) {
        return existing(id).chain(user -> {
            if (user.active) {
                return Uni.createFrom().item(UserResponse.from(user));
            }
            user.active = true;
            user.updatedAt = Instant.now();
            return recordUpdated(user);
        });
    }

    /** Creates the configured first admin unless an admin exists; true when one was created. */
    @WithTransaction
    public Uni<Boolean> ensureAdmin(String username, String email, String password) {
        return users.anyAdmin().chain(exists -> exists ? Uni.createFrom().item(false)
                : create(username, email, password, "Administrator", UserRole.admin).map(created -> true));
    }

    private Uni<UserResponse> recordUpdated(User user) {
        return outbox.record(IdentityEvents.USER_UPDATED, user.id, new IdentityEvents.UserUpdated(
                user.id, user.username, user.email, user.fullName, user.active)).map(event -> UserResponse.from(user));
    }

    private Uni<User> existing(UUID id) {
        return users.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("user", id));
    }

    /** The caller's own account; a deactivated or deleted account no longer counts as signed in. */
    private Uni<User> activeUser(UUID id) {
        return users.findById(id).invoke(user -> {
            if (user == null || !user.active) {
                throw ProblemException.unauthorized("this account no longer exists or is deactivated");
            }
        });
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
