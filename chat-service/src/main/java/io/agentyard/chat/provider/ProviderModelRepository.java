package io.agentyard.chat.provider;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ProviderModelRepository implements PanacheRepositoryBase<ProviderModel, UUID> {

    private static final String OF_ENABLED = "provider in (select p.name from Provider p where p.enabled = true)";

    /** Every provider's models, in provider then list order. */
    public Uni<List<ProviderModel>> all() {
        return listAll(Sort.ascending("provider", "position"));
    }

    public Uni<List<ProviderModel>> ofProvider(String provider) {
        return list("provider", Sort.ascending("position"), provider);
    }

    /** The models of enabled providers, in provider then list order. */
    public Uni<List<ProviderModel>> offered() {
        return list(OF_ENABLED, Sort.ascending("provider", "position"));
    }

    /** {@code model} of {@code provider} if that provider is enabled; null otherwise. */
    public Uni<ProviderModel> offered(String provider, String model) {
        return find("provider = ?1 and name = ?2 and " + OF_ENABLED, provider, model).firstResult();
    }

    public Uni<Long> deleteOfProvider(String provider) {
        return delete("provider", provider);
    }
}
