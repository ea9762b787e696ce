package io.agentyard.chat.provider;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ProviderRepository implements PanacheRepositoryBase<Provider, String> {

    public Uni<List<Provider>> all() {
        return listAll(Sort.ascending("name"));
    }
}
