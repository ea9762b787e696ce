package io.agentyard.shared.security;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * A service's own identity, a {@code service} client created in identity-service
 * ({@code POST /api/service-clients}): {@code AGENTYARD_SERVICE_CLIENT_ID} and
 * {@code AGENTYARD_SERVICE_CLIENT_SECRET}. Only services that call others in the background need one.
 */
@ConfigMapping(prefix = "agentyard.service-client")
public interface ServiceClientConfig {

    Optional<String> id();

    Optional<String> secret();
}
