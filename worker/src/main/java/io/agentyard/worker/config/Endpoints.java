package io.agentyard.worker.config;

import java.util.Map;

/**
 * Where each service of the suite answers. Behind one ingress they share a base URL
 * ({@code AGENTYARD_URL}); on a developer's machine each has its own port (the defaults).
 */
public record Endpoints(String identity, String agent, String task, String execution, String chat) {

    public static final Endpoints LOCAL = new Endpoints("http://localhost:8081", "http://localhost:8082",
            "http://localhost:8083", "http://localhost:8084", "http://localhost:8085");

    /**
     * The endpoints the environment names: {@code AGENTYARD_URL} for all, then
     * {@code AGENTYARD_IDENTITY_URL}, {@code _AGENT_}, {@code _TASK_}, {@code _EXECUTION_}, {@code _CHAT_URL}
     * each; what is not named comes from {@code fallback}.
     */
    public static Endpoints from(Map<String, String> env, Endpoints fallback) {
        String all = trimmed(env.get("AGENTYARD_URL"));
        Endpoints base = all == null ? fallback : new Endpoints(all, all, all, all, all);
        return new Endpoints(pick(env, "AGENTYARD_IDENTITY_URL", base.identity),
                pick(env, "AGENTYARD_AGENT_URL", base.agent), pick(env, "AGENTYARD_TASK_URL", base.task),
                pick(env, "AGENTYARD_EXECUTION_URL", base.execution), pick(env, "AGENTYARD_CHAT_URL", base.chat));
    }

    private static String pick(Map<String, String> env, String name, String fallback) {
        String value = trimmed(env.get(name));
        return value == null ? fallback : value;
    }

    private static String trimmed(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String value = url.trim();
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }
}
