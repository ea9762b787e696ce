package io.agentyard.shared.security;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.smallrye.mutiny.Uni;

/**
 * This service's own access token (role {@code service}) for its background calls to other
 * services, from identity-service's client-credentials grant with {@code AGENTYARD_SERVICE_CLIENT_ID}
 * / {@code _SECRET}. Kept until a minute before it expires; concurrent callers share one request
 * for a new one.
 */
@ApplicationScoped
public class ServiceToken {

    private static final Duration RENEW_BEFORE = Duration.ofMinutes(1);

    private final IdentityClient identity;
    private final ServiceClientConfig credentials;
    private volatile Current current;
    private volatile Uni<Current> renewal;

    private record Current(String header, Instant renewAt) {
    }

    ServiceToken(@RestClient IdentityClient identity, ServiceClientConfig credentials) {
        this.identity = identity;
        this.credentials = credentials;
    }

    /** {@code Bearer <token>} for an Authorization header. */
    public Uni<String> header() {
        Current token = current;
        if (token != null && Instant.now().isBefore(token.renewAt())) {
            return Uni.createFrom().item(token.header());
        }
        if (credentials.id().isEmpty() || credentials.secret().isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException(
                    "AGENTYARD_SERVICE_CLIENT_ID and AGENTYARD_SERVICE_CLIENT_SECRET are not set"));
        }
        Uni<Current> pending = renewal;
        if (pending == null) {
            pending = identity.token(new IdentityClient.Credentials(credentials.id().get(), credentials.secret().get()))
                    .map(answer -> new Current("Bearer " + answer.accessToken(),
                            Instant.now().plusSeconds(answer.expiresIn()).minus(RENEW_BEFORE)))
                    .invoke(fresh -> current = fresh)
                    .onTermination().invoke(() -> renewal = null)
                    .memoize().indefinitely();
            renewal = pending;
        }
        return pending.map(Current::header);
    }
}
