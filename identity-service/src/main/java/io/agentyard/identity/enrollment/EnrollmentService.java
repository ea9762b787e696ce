package io.agentyard.identity.enrollment;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.identity.auth.LoginThrottle;
import io.agentyard.identity.serviceclient.ClientRole;
import io.agentyard.identity.serviceclient.ServiceClientDtos;
import io.agentyard.identity.serviceclient.ServiceClientService;
import io.agentyard.identity.token.TokenService;
import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * One-time enrollment tokens. Admins create (the token is shown once), list and revoke them; a new
 * worker machine trades one, once, for its own {@code worker} client, created by
 * {@link ServiceClientService} exactly as an admin's POST /api/service-clients would. Tokens and
 * secrets are never logged; only the token's hash is stored.
 */
@ApplicationScoped
public class EnrollmentService {

    static final String TOKEN_PREFIX = "aye_";
    public static final String INVALID_TOKEN = "invalid or expired enrollment token";

    private final EnrollmentTokenRepository tokens;
    private final ServiceClientService clients;
    private final LoginThrottle throttle;

    EnrollmentService(EnrollmentTokenRepository tokens, ServiceClientService clients, LoginThrottle throttle) {
        this.tokens = tokens;
        this.clients = clients;
        this.throttle = throttle;
    }

    @WithTransaction
    public Uni<EnrollmentTokenDtos.Created> create(UUID adminId, EnrollmentTokenDtos.Create request) {
        String token = TOKEN_PREFIX + TokenService.randomToken();
        Instant now = Instant.now();
        int expiresIn = request == null || request.expiresInSeconds() == null
                ? EnrollmentTokenDtos.DEFAULT_EXPIRES_IN_SECONDS : request.expiresInSeconds();
        EnrollmentToken row = new EnrollmentToken();
        row.id = UUID.randomUUID();
        row.name = request == null || request.name() == null || request.name().isBlank() ? null : request.name().trim();
        row.tokenHash = TokenService.sha256(token);
        row.createdBy = adminId;
        row.createdAt = now;
        row.expiresAt = now.plus(Duration.ofSeconds(expiresIn));
        return tokens.persist(row).map(saved -> EnrollmentTokenDtos.Created.from(saved, token));
    }

    /** Newest first. */
    @WithSession
    public Uni<Page<EnrollmentTokenDtos.TokenResponse>> list(PageRequest page) {
        Instant now = Instant.now();
        return tokens.findAll(Sort.descending("createdAt").and("id")).page(page.toPanache()).list()
                .chain(found -> tokens.count().map(total ->
                        Page.of(found, t -> EnrollmentTokenDtos.TokenResponse.from(t, now), page, total)));
    }

    @WithSession
    public Uni<EnrollmentTokenDtos.TokenResponse> get(UUID id) {
        return existing(id).map(t -> EnrollmentTokenDtos.TokenResponse.from(t, Instant.now()));
    }

    /**
     * Revokes a token so it can no longer be used; revoking it again changes nothing. A used token
     * cannot be revoked (409): revoke the client it created instead. The row lock orders a revoke
     * and a concurrent enrollment: whichever comes second sees what the first did.
     */
    @WithTransaction
    public Uni<Void> revoke(UUID id) {
        return tokens.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("enrollment token", id))
                .invoke(token -> {
                    if (token.usedAt != null) {
                        throw ProblemException.conflict("enrollment token " + id
                                + " was already used; revoke the service client " + token.usedClientId + " instead");
                    }
                    if (token.revokedAt == null) {
                        token.revokedAt = Instant.now();
                    }
                }).replaceWithVoid();
    }

    /**
     * A new worker machine trades an active token for its own {@code worker} client, whose subject
     * (the worker's id) is a fresh UUID. One transaction uses the token up and creates the client,
     * so a refused client (its name is taken: 409) leaves the token unused. An unknown, used,
     * expired or revoked token answers the same 401; failures are recorded and throttled like
     * client-credentials attempts (per client address, and per token presented).
     */
    public Uni<EnrollmentTokenDtos.Enrolled> enroll(EnrollmentTokenDtos.Enroll request, String ip) {
        String hash = TokenService.sha256(request.enrollmentToken());
        String accountKey = "enrollment:" + hash;
        return Panache.withSession(() -> throttle.check(accountKey, ip))
                .chain(() -> Panache.withTransaction(() -> tokens.consume(hash, Instant.now()).chain(token -> {
                    if (token == null) {
                        return throttle.record(accountKey, ip, false).replaceWith((EnrollmentTokenDtos.Enrolled) null);
                    }
                    UUID workerId = UUID.randomUUID();
                    return clients.create(token.createdBy,
                                    new ServiceClientDtos.Create(request.name(), ClientRole.worker, workerId.toString()))
                            .invoke(client -> token.usedClientId = client.id())
                            .call(() -> throttle.record(accountKey, ip, true))
                            .map(client -> new EnrollmentTokenDtos.Enrolled(client.id(), client.secret(), workerId));
                })))
                .onItem().ifNull().failWith(() -> ProblemException.unauthorized(INVALID_TOKEN));
    }

    private Uni<EnrollmentToken> existing(UUID id) {
        return tokens.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("enrollment token", id));
    }
}
