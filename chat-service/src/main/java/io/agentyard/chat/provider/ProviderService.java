package io.agentyard.chat.provider;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.shared.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The catalogue of providers and models: read by anyone signed in, changed by admins. */
@ApplicationScoped
public class ProviderService {

    private static final Logger LOG = Logger.getLogger(ProviderService.class);

    static final String KEY_FROM_CATALOGUE = "catalogue";
    static final String KEY_FROM_CONFIGURATION = "configuration";

    private final ProviderRepository providers;
    private final ProviderModelRepository models;
    private final ProviderCatalogue catalogue;

    ProviderService(ProviderRepository providers, ProviderModelRepository models, ProviderCatalogue catalogue) {
        this.providers = providers;
        this.models = models;
        this.catalogue = catalogue;
    }

    /** Every provider (enabled or not) with its models, by name. */
    public Uni<List<ProviderDtos.ProviderResponse>> list() {
        return Panache.withSession(() -> providers.all().chain(found -> models.all().map(all -> {
            Map<String, List<ProviderModel>> byProvider = all.stream()
                    .collect(Collectors.groupingBy(model -> model.provider));
            return found.stream().map(provider -> response(provider, byProvider.getOrDefault(provider.name, List.of())))
                    .toList();
        })));
    }

    public Uni<ProviderDtos.ProviderResponse> get(String name) {
        return Panache.withSession(() -> providers.findById(name).chain(provider -> {
            if (provider == null) {
                throw ProblemException.notFound("provider", name);
            }
            return models.ofProvider(name).map(listed -> response(provider, listed));
        }));
    }

    /** The outcome of a save: whether it created the provider, and the provider as it now is. */
    public record Saved(boolean created, ProviderDtos.ProviderResponse provider) {
    }

    /** Creates provider {@code name} or changes the fields {@code update} holds. */
    public Uni<Saved> save(String name, ProviderDtos.ProviderUpdate update) {
        if (update.models() != null) {
            Set<String> seen = new HashSet<>();
            for (ProviderDtos.ModelSpec model : update.models()) {
                if (!seen.add(model.name())) {
                    return Uni.createFrom().failure(ProblemException.invalidField("models",
                            "model names must be unique: '" + model.name() + "' appears twice"));
                }
            }
        }
        return Panache.withTransaction(() -> providers.findById(name).chain(existing -> {
            boolean create = existing == null;
            if (create && update.baseUrl() == null) {
                throw ProblemException.invalidField("baseUrl", "is required to create a provider");
            }
            Instant now = Instant.now();
            Provider provider = create ? new Provider() : existing;
            if (create) {
                provider.name = name;
                provider.enabled = true;
                provider.createdAt = now;
            }
            if (update.baseUrl() != null) {
                provider.baseUrl = ProviderNames.normalizeBaseUrl(update.baseUrl());
            }
            if (update.enabled() != null) {
                provider.enabled = update.enabled();
            }
            if (update.apiKey() != null) {
                String key = update.apiKey().strip();
                provider.apiKey = key.isEmpty() ? null : key;
            }
            provider.updatedAt = now;
            Uni<Provider> saved = create ? providers.persist(provider) : Uni.createFrom().item(provider);
            return saved.chain(() -> update.models() == null ? models.ofProvider(name) : replaceModels(name, update.models()))
                    .map(listed -> new Saved(create, response(provider, listed)));
        })).invoke(saved -> LOG.infof("Provider '%s' %s: %s", name, saved.created() ? "created" : "changed", update));
    }

    private Uni<List<ProviderModel>> replaceModels(String provider, List<ProviderDtos.ModelSpec> specs) {
        List<ProviderModel> listed = new java.util.ArrayList<>();
        int position = 0;
        for (ProviderDtos.ModelSpec spec : specs) {
            ProviderModel model = new ProviderModel();
            model.id = UUID.randomUUID();
            model.provider = provider;
            model.name = spec.name();
            model.displayName = spec.displayName();
            model.contextWindow = spec.contextWindow();
            model.position = ++position;
            listed.add(model);
        }
        Uni<Long> deleted = models.deleteOfProvider(provider);
        return (listed.isEmpty() ? deleted.replaceWithVoid() : deleted.chain(() -> models.persist(listed)))
                .replaceWith(listed);
    }

    /** The models of enabled providers, by provider then in each provider's order. */
    public Uni<List<ModelDtos.ModelResponse>> offeredModels() {
        return Panache.withSession(models::offered)
                .map(found -> found.stream().map(ModelDtos.ModelResponse::from).toList());
    }

    /** Model {@code <provider>/<model>} of an enabled provider; 404 otherwise. */
    public Uni<ModelDtos.ModelResponse> offeredModel(String id) {
        int slash = id.indexOf('/');
        if (slash <= 0 || slash == id.length() - 1) {
            return Uni.createFrom().failure(ProblemException.notFound("model", id));
        }
        return Panache.withSession(() -> models.offered(id.substring(0, slash), id.substring(slash + 1))).map(model -> {
            if (model == null) {
                throw ProblemException.notFound("model", id);
            }
            return ModelDtos.ModelResponse.from(model);
        });
    }

    private ProviderDtos.ProviderResponse response(Provider provider, List<ProviderModel> listed) {
        String keySource = provider.apiKey != null ? KEY_FROM_CATALOGUE
                : catalogue.configuredKey(provider.name).isPresent() ? KEY_FROM_CONFIGURATION : null;
        return new ProviderDtos.ProviderResponse(provider.name, provider.baseUrl, provider.enabled, keySource != null,
                keySource, listed.stream().map(ModelDtos.ModelResponse::from).toList(), provider.createdAt,
                provider.updatedAt);
    }
}
