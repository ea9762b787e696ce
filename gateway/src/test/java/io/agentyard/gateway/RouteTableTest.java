package io.agentyard.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Not a @QuarkusTest: the route table is the Ingress in the jar, matched as ingress-nginx matches it. The
 * paths are those of deploy's IngressTest, which checks the Ingress itself.
 */
class RouteTableTest {

    static final Map<String, String> ROUTES = new LinkedHashMap<>();

    static {
        ROUTES.put("/api/auth/login", "identity-service");
        ROUTES.put("/api/auth/jwks", "identity-service");
        ROUTES.put("/api/users/4f1c/role", "identity-service");
        ROUTES.put("/api/service-clients", "identity-service");
        ROUTES.put("/api/enrollment-tokens/4f1c", "identity-service");
        ROUTES.put("/api/agents", "agent-service");
        ROUTES.put("/api/agents/4f1c", "agent-service");
        ROUTES.put("/api/agents/4f1c/tasks", "agent-service");
        ROUTES.put("/api/workflows/4f1c/versions/2", "agent-service");
        ROUTES.put("/api/tools/4f1c", "agent-service");
        ROUTES.put("/api/workers/me", "agent-service");
        ROUTES.put("/api/workers/4f1c/heartbeat", "agent-service");
        ROUTES.put("/api/projects/4f1c", "task-service");
        ROUTES.put("/api/tasks/4f1c/dependencies", "task-service");
        ROUTES.put("/api/work-orders/claim", "task-service");
        ROUTES.put("/api/dead-letters/redrive", "task-service");
        ROUTES.put("/api/executions", "execution-service");
        ROUTES.put("/api/executions/4f1c/logs/stream", "execution-service");
        ROUTES.put("/api/executions/4f1c/live", "execution-service");
        ROUTES.put("/api/agents/4f1c/executions", "execution-service");
        ROUTES.put("/api/workflows/4f1c/executions", "execution-service");
        ROUTES.put("/api/conversations/4f1c/messages/5a2d/attachments", "chat-service");
        ROUTES.put("/api/context-documents/4f1c/versions", "chat-service");
        ROUTES.put("/api/providers/openai", "chat-service");
        ROUTES.put("/api/models/vllm/meta-llama/Llama-3.1-8B-Instruct", "chat-service");
        ROUTES.put("/api/agents/chat", "chat-service");
        ROUTES.put("/api/agents/4f1c/chat", "chat-service");
        ROUTES.put("/api/agentsmith", null); // a prefix matches whole segments only
        ROUTES.put("/api/health", null);
        ROUTES.put("/api/unknown", null);
        ROUTES.put("/q/health/ready", null);
        // the Ingress sends these to the gateway: served by it, never proxied
        ROUTES.put("/openapi", null);
        ROUTES.put("/swagger-ui", null);
        ROUTES.put("/swagger-ui/index.html", null);
    }

    @Test
    void everyPathGoesWhereTheIngressSendsIt() {
        RouteTable table = RouteTable.fromIngress();
        ROUTES.forEach((path, service) -> assertEquals(service, table.serviceFor(path).orElse(null), path));
    }

    @Test
    void theGatewaysOwnPathsAreNoRoutesOfIt() {
        Map<String, Object> ingress = Map.of("spec", Map.of("rules", List.of(Map.of("http", Map.of("paths", List.of(
                path("/api/tasks", "task-service"), path("/openapi", "gateway"), path("/swagger-ui", "gateway")))))));
        RouteTable table = RouteTable.parse(ingress);
        assertEquals(List.of("task-service"), table.routes().stream().map(RouteTable.Route::service).toList());
        assertEquals(Optional.empty(), table.serviceFor("/openapi"));
        // and the Ingress in the jar does route them to the gateway, which must not need a URL for itself
        assertTrue(RouteTable.fromIngress().routes().stream().noneMatch(r -> r.service().equals(RouteTable.SELF)));
    }

    private static Map<String, Object> path(String path, String service) {
        return Map.of("path", path, "pathType", "Prefix",
                "backend", Map.of("service", Map.of("name", service, "port", Map.of("name", "http"))));
    }
}
