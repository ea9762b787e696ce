package io.agentyard.shared.tracing;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * PostgreSQL and Redis client spans only when spans are recorded ({@link Sampling#records}). With
 * nothing recorded they carry nobody's ids anywhere, yet each statement's span would still be built
 * with its attributes and then dropped: 4 % of task-service's CPU per order in the benchmark's drains.
 * The switches are Quarkus's own ({@code quarkus.otel.instrument.vertx-sql-client} and
 * {@code -redis-client}); this source sits below every file and the environment, so a setting of
 * them there wins.
 */
public class ClientSpans implements ConfigSourceFactory {

    static final List<String> SWITCHES = List.of("quarkus.otel.instrument.vertx-sql-client",
            "quarkus.otel.instrument.vertx-redis-client");
    static final String NAME = "agentyard: no client spans while nothing is recorded";
    static final int ORDINAL = 50; // under microprofile-config.properties (100)

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        // the ratio is only looked at for being set: Sampling reads it, and says so if it is no number
        boolean ratioSet = text(context.getValue("agentyard.tracing.sample-ratio")).isPresent();
        boolean exporting = text(context.getValue("quarkus.otel.exporter.otlp.traces.endpoint")).isPresent();
        return sources(ratioSet, exporting);
    }

    static List<ConfigSource> sources(boolean ratioSet, boolean exporting) {
        if (Sampling.records(ratioSet, exporting)) {
            return List.of();
        }
        Map<String, String> off = Map.of(SWITCHES.get(0), "false", SWITCHES.get(1), "false");
        return List.of(new PropertiesConfigSource(off, NAME, ORDINAL));
    }

    private static Optional<String> text(ConfigValue value) {
        return Optional.ofNullable(value).map(ConfigValue::getValue).map(String::strip).filter(v -> !v.isEmpty());
    }
}
