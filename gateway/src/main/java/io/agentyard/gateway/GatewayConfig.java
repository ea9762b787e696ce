package io.agentyard.gateway;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "agentyard.gateway")
public interface GatewayConfig {

    /** Base URL of each service the route table names (http://host:port). */
    Map<String, String> services();

    /** How long a connection to a service may take before the answer is 503. */
    @WithDefault("PT2S")
    Duration connectTimeout();

    /** How long a merged OpenAPI document is served before the services are asked again. */
    @WithDefault("PT30S")
    Duration openapiCacheTtl();

    /** How long a service may take to answer its /q/openapi. */
    @WithDefault("PT5S")
    Duration openapiTimeout();
}
