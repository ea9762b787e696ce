package io.agentyard.identity.serviceclient;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ServiceClientRepository implements PanacheRepositoryBase<ServiceClient, UUID> {

    public Uni<Boolean> nameTaken(String name) {
        return count("lower(name) = ?1", name.toLowerCase()).map(n -> n > 0);
    }
}
