package io.agentyard.deploy;

import static io.agentyard.deploy.Kustomize.Yamls.at;
import static io.agentyard.deploy.Kustomize.Yamls.list;
import static io.agentyard.deploy.Kustomize.Yamls.map;
import static io.agentyard.deploy.Workloads.GATEWAY;
import static io.agentyard.deploy.Workloads.SERVICES;
import static io.agentyard.deploy.Workloads.get;
import static io.agentyard.deploy.Workloads.ofKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each request path of the README's API tables reaches the service that owns it, and the gateway's two
 * (the merged OpenAPI document, Swagger UI) reach the gateway. The matching is
 * ingress-nginx's with {@code use-regex}: an Exact path first, else of the paths that match (Prefix by
 * whole segments, ImplementationSpecific as a regular expression from the start) the longest.
 */
class IngressTest {

    /** A path of every family of the README's API tables, and who answers it (null: not routed). */
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
        ROUTES.put("/api/workers/eligible", "agent-service");
        ROUTES.put("/api/workers/4f1c/heartbeat", "agent-service");
        ROUTES.put("/api/projects/4f1c", "task-service");
        ROUTES.put("/api/tasks/4f1c/dependencies", "task-service");
        ROUTES.put("/api/work-orders/claim", "task-service");
        ROUTES.put("/api/work-orders/executions/4f1c", "task-service");
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
        ROUTES.put("/q/health/ready", null);
        ROUTES.put("/q/metrics", null);
        ROUTES.put("/api/health", null); // each service's own readiness: which one would it be?
        ROUTES.put("/api/unknown", null);
        // the gateway: the merged document and its Swagger UI (page and files)
        ROUTES.put("/openapi", "gateway");
        ROUTES.put("/swagger-ui", "gateway");
        ROUTES.put("/swagger-ui/index.html", "gateway");
        ROUTES.put("/q/openapi", null); // a service's own document stays inside the cluster
    }

    record Route(String path, String type, String service, Object port) {
    }

    static List<Route> routes(Map<String, Object> ingress) {
        List<Route> routes = new ArrayList<>();
        for (Object rule : list(at(ingress, "spec", "rules"))) {
            for (Object item : list(at(rule, "http", "paths"))) {
                Map<String, Object> path = map(item);
                Map<String, Object> service = map(at(path, "backend", "service"));
                routes.add(new Route((String) path.get("path"), (String) path.get("pathType"), (String) service.get("name"),
                        map(service.get("port")).getOrDefault("name", map(service.get("port")).get("number"))));
            }
        }
        return routes;
    }

    static Optional<Route> route(List<Route> routes, String request) {
        Optional<Route> exact = routes.stream().filter(r -> r.type().equals("Exact") && r.path().equals(request)).findFirst();
        if (exact.isPresent()) {
            return exact;
        }
        return routes.stream().filter(r -> switch (r.type()) {
            case "Prefix" -> request.equals(r.path()) || request.startsWith(r.path().endsWith("/") ? r.path() : r.path() + "/");
            case "ImplementationSpecific" -> Pattern.compile("^" + r.path(), Pattern.CASE_INSENSITIVE).matcher(request).find();
            default -> false;
        }).max((a, b) -> Integer.compare(a.path().length(), b.path().length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyApiPathReachesTheServiceThatOwnsIt(String dir) {
        List<Map<String, Object>> objects = Kustomize.render(dir);
        assertEquals(1, ofKind(objects, "Ingress").size());
        Map<String, Object> ingress = ofKind(objects, "Ingress").get(0);
        assertEquals("true", at(ingress, "metadata", "annotations", "nginx.ingress.kubernetes.io/use-regex"),
                "the {id} paths are regular expressions");
        List<Route> routes = routes(ingress);
        ROUTES.forEach((request, service) -> assertEquals(service, route(routes, request).map(Route::service).orElse(null), request));
        // what the gateway serves, by its configuration: the merged document (the one Swagger UI shows) and the UI
        List<String> gatewayPaths = List.of(Workloads.property(GATEWAY, "quarkus.swagger-ui.urls.agentyard"),
                Workloads.property(GATEWAY, "quarkus.swagger-ui.path"));
        for (Route r : routes) {
            if (r.service().equals(GATEWAY)) {
                assertTrue(gatewayPaths.contains(r.path()) && r.type().equals("Prefix"), r + ": the gateway serves " + gatewayPaths);
            } else {
                assertTrue(SERVICES.contains(r.service()), r + " names no service of the suite");
                assertTrue(r.path().startsWith("/api/"), r + ": only the API is routed to the services");
            }
            Object port = map(list(at(get(objects, "Service", r.service()), "spec", "ports")).get(0)).get("name");
            assertEquals(port, r.port(), r + ": the Service's port");
        }
        for (String service : SERVICES) {
            assertTrue(ROUTES.containsValue(service) && routes.stream().anyMatch(r -> r.service().equals(service)), service);
        }
        assertEquals(gatewayPaths, routes.stream().filter(r -> r.service().equals(GATEWAY)).map(Route::path).toList());
    }
}
