package io.agentyard.shared.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Not a @QuarkusTest: the client-span switches as the services' configuration resolves them, from
 * shared-model's own microprofile-config.properties and what an operator sets above it.
 */
class ClientSpansTest {

    static final String SQL = "quarkus.otel.instrument.vertx-sql-client";
    static final String REDIS = "quarkus.otel.instrument.vertx-redis-client";

    @Test
    void withNothingRecordedTheClientSpansAreOff() throws IOException {
        SmallRyeConfig config = config(Map.of());

        assertEquals(Optional.of(false), config.getOptionalValue(SQL, Boolean.class));
        assertEquals(Optional.of(false), config.getOptionalValue(REDIS, Boolean.class));
    }

    @Test
    void aCollectorOrARatioLeavesThemToQuarkusWhoseDefaultIsOn() throws IOException {
        SmallRyeConfig collector = config(Map.of("AGENTYARD_OTLP_ENDPOINT", "http://collector:4317"));
        SmallRyeConfig ratio = config(Map.of("AGENTYARD_TRACE_SAMPLE_RATIO", "0.1"));

        assertEquals(Optional.empty(), collector.getOptionalValue(SQL, Boolean.class));
        assertEquals(Optional.empty(), collector.getOptionalValue(REDIS, Boolean.class));
        assertEquals(Optional.empty(), ratio.getOptionalValue(SQL, Boolean.class));
        assertEquals(Optional.empty(), ratio.getOptionalValue(REDIS, Boolean.class));
    }

    @Test
    void anExplicitSettingWins() throws IOException {
        SmallRyeConfig config = config(Map.of(SQL, "true"));

        assertEquals(Optional.of(true), config.getOptionalValue(SQL, Boolean.class));
        assertEquals(Optional.of(false), config.getOptionalValue(REDIS, Boolean.class));
    }

    /** shared-model's properties, {@code operator}'s settings above them (as the environment is), and ClientSpans. */
    static SmallRyeConfig config(Map<String, String> operator) throws IOException {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(
                        ClientSpansTest.class.getResource("/META-INF/microprofile-config.properties"), 100))
                .withSources(new PropertiesConfigSource(operator, "operator", 300))
                .withSources(new ClientSpans())
                .build();
    }
}
