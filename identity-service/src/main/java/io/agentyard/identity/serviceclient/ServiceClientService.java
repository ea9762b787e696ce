package io.agentyard.identity.serviceclient;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.identity.token.TokenService;
import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * Machine identities: admins create them (the secret is shown once) and revoke them; an enrollment
 * (enrollment/) creates a worker's client through {@link #create} as well.
 */
@ApplicationScoped
public class ServiceClientService {

    private final ServiceClientRepository clients;

    ServiceClientService(ServiceClientRepository clients) {
        this.clients = clients;
    }

    /**
     * Creates a client; {@code adminId} is who created it (for an enrolled worker, the admin who
     * created the enrollment token). Joins the caller's transaction when there is one.
     */
    @WithTransaction
    public Uni<ServiceClientDtos.ClientResponse> create(UUID adminId, ServiceClientDtos.Create request) {
        if (request.role() == ClientRole.worker && request.subject() != null && !isUuid(request.subject())) {
            throw ProblemException.invalidField("subject", "must be the worker's id (a UUID) for a worker client");
        }
        return ProblemException.conflictIf(clients.nameTaken(request.name()),
                "a client named '" + request.name() + "' already exists").chain(() -> {
            String secret = TokenService.randomToken();
            Instant now = Instant.now();
            ServiceClient client = new ServiceClient();
            client.id = UUID.randomUUID();
            client.name = request.name().trim();
            client.role = request.role();
            client.subject = request.subject() == null || request.subject().isBlank() ? null : request.subject().trim();
            client.secretHash = TokenService.sha256(secret);
            client.active = true;
            client.createdBy = adminId;
            client.createdAt = now;
            client.updatedAt = now;
            return clients.persist(client).map(saved -> ServiceClientDtos.ClientResponse.from(saved, secret));
        });
    }

    @WithSession
    public Uni<Page<ServiceClientDtos.ClientResponse>> list(PageRequest page) {
        return clients.findAll(Sort.by("createdAt").and("id")).page(page.toPanache()).list()
                .chain(found -> clients.count().map(total ->
                        Page.of(found, c -> ServiceClientDtos.ClientResponse.from(c, null), page, total)));
    }

    @WithSession
    public Uni<ServiceClientDtos.ClientResponse> get(UUID id) {
        return existing(id).map(c -> ServiceClientDtos.ClientResponse.from(c, null));
    }

    /** Revokes a client: its secret stops working at once (issued tokens live out their short TTL). */
    @WithTransaction
    public Uni<Void> revoke(UUID id) {
        return existing(id).invoke(client -> {
            client.active = false;
            client.updatedAt = Instant.now();
        }).replaceWithVoid();
    }

    private Uni<ServiceClient> existing(UUID id) {
        return clients.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("service client", id));
    }

    private static boolean isUuid(String value) {
        try {
            UUID.fromString(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
