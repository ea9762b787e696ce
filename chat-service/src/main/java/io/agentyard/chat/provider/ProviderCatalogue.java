package io.agentyard.chat.provider;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Where the completion client learns how to call a provider, and where configuration meets the
 * catalogue table.
 * <p>
 * Precedence: configuration seeds, the table rules. At start, each configured provider with a
 * {@code base-url} that the table lacks is inserted with its {@code enabled} flag and {@code models};
 * a provider the table already has is left as it is (change it with {@code POST /api/providers/{name}},
 * which configuration never overrides). The API key is the exception: a configured key is never
 * copied into the table; a call uses the table's key when an admin set one, otherwise the configured
 * key ({@code agentyard.chat.providers."<name>".api-key}, from a Secret through the environment),
 * otherwise none.
 * <p>
 * {@link #endpoint} is one statement on the reactive pool, outside any Hibernate session, so the
 * client can be subscribed from anywhere, inside or outside a caller's session.
 */
@ApplicationScoped
public class ProviderCatalogue {

    private static final Logger LOG = Logger.getLogger(ProviderCatalogue.class);
    private static final Duration SEED_TIMEOUT = Duration.ofSeconds(30);

    private static final String ENDPOINT = """
            select p.base_url, p.api_key, p.enabled,
                   exists (select 1 from chat.provider_models m where m.provider = p.name and m.name = $2) as listed
            from chat.providers p where p.name = $1""";

    /** Inserts a provider and its models unless a provider of that name exists; answers 1 when it inserted. */
    private static final String SEED = """
            with inserted as (
                insert into chat.providers (name, base_url, enabled) values ($1, $2, $3)
                on conflict (name) do nothing
                returning name
            ), models as (
                insert into chat.provider_models (id, provider, name, position)
                select gen_random_uuid(), inserted.name, m.name, m.n
                from inserted, unnest($4::text[]) with ordinality as m (name, n)
            )
            select count(*) as seeded from inserted""";

    private final Pool pool;
    private final ProvidersConfig config;

    ProviderCatalogue(Pool pool, ProvidersConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /**
     * How to call {@code provider} for {@code model}: its URL, the key to use (see the precedence
     * above), whether it is enabled and whether the model is catalogued. A null item when the
     * catalogue has no such provider.
     */
    public Uni<ProviderEndpoint> endpoint(String provider, String model) {
        if (!ProviderNames.validName(provider)) {
            return Uni.createFrom().nullItem();
        }
        return pool.preparedQuery(ENDPOINT).execute(Tuple.of(provider, model == null ? "" : model)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            String key = row.getString("api_key");
            return new ProviderEndpoint(provider, row.getString("base_url"),
                    key != null ? key : configuredKey(provider).orElse(null),
                    row.getBoolean("enabled"), row.getBoolean("listed"));
        });
    }

    /** The key configuration holds for {@code provider}, if any (an empty value is none). */
    public Optional<String> configuredKey(String provider) {
        ProvidersConfig.Seed seed = config.seeds().get(provider);
        return seed == null ? Optional.empty() : seed.apiKey().map(String::strip).filter(key -> !key.isEmpty());
    }

    void onStart(@Observes StartupEvent start) {
        seedFromConfiguration();
    }

    /**
     * Adds the configured providers the catalogue lacks (see the precedence above); done at every
     * start, blocking (not on an event loop). A bad seed stops the start.
     */
    public void seedFromConfiguration() {
        for (Map.Entry<String, ProvidersConfig.Seed> entry : config.seeds().entrySet()) {
            String name = entry.getKey();
            ProvidersConfig.Seed seed = entry.getValue();
            String property = "agentyard.chat.providers.\"" + name + "\"";
            if (!ProviderNames.validName(name)) {
                throw new IllegalStateException(property + ": the provider name " + ProviderNames.NAME_RULE);
            }
            if (seed.baseUrl().isEmpty()) {
                continue; // only a key: for a provider created through the API
            }
            String baseUrl = ProviderNames.normalizeBaseUrl(seed.baseUrl().get());
            ProviderNames.checkBaseUrl(baseUrl).ifPresent(rule -> {
                throw new IllegalStateException(property + ".base-url " + rule);
            });
            List<String> models = seed.models().orElse(List.of()).stream().map(String::strip)
                    .filter(model -> !model.isEmpty()).distinct().toList();
            long seeded = pool.preparedQuery(SEED)
                    .execute(Tuple.of(name, baseUrl, seed.enabled(), models.toArray(String[]::new)))
                    .map(rows -> rows.iterator().next().getLong("seeded"))
                    .await().atMost(SEED_TIMEOUT);
            if (seeded > 0) {
                LOG.infof("Provider '%s' added to the catalogue from configuration (%d models)", name, models.size());
            }
        }
    }
}
