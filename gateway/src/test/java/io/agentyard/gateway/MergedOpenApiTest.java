package io.agentyard.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Not a @QuarkusTest: the merge is a function of the services' documents and the route table. */
class MergedOpenApiTest {

    static JsonObject document(String tag, Map<String, String> paths, Map<String, JsonObject> schemas) {
        JsonObject p = new JsonObject();
        paths.forEach((path, id) -> p.put(path, new JsonObject().put("get", new JsonObject().put("operationId", id)
                .put("tags", new JsonArray().add(tag)))));
        return new JsonObject().put("openapi", "3.1.0").put("info", new JsonObject().put("title", tag).put("version", "1"))
                .put("tags", new JsonArray().add(new JsonObject().put("name", tag)))
                .put("paths", p).put("components", new JsonObject().put("schemas", new JsonObject(new LinkedHashMap<>(schemas))));
    }

    static final JsonObject PROBLEM = new JsonObject().put("type", "object");

    @Test
    void pathsTagsAndSchemasOfEveryServiceMeetInOneDocument() {
        Map<String, JsonObject> docs = new LinkedHashMap<>();
        docs.put("task-service", document("Tasks", Map.of("/api/tasks/{id}", "getTask", "/api/health", "health"),
                Map.of("Problem", PROBLEM, "TaskResponse", new JsonObject().put("type", "object"))));
        docs.put("execution-service", document("Executions", Map.of("/api/executions/{id}", "getExecution",
                "/api/agents/{agentId}/executions", "listAgentExecutions", "/api/health", "health"),
                Map.of("Problem", PROBLEM)));
        JsonObject merged = MergedOpenApi.merge(docs, RouteTable.fromIngress());

        assertEquals(List.of("/api/agents/{agentId}/executions", "/api/executions/{id}", "/api/tasks/{id}"),
                List.copyOf(merged.getJsonObject("paths").fieldNames()), "/api/health is no path of the front door");
        assertEquals(List.of("Problem", "TaskResponse"),
                List.copyOf(merged.getJsonObject("components").getJsonObject("schemas").fieldNames()));
        assertEquals(2, merged.getJsonArray("tags").size());
        assertEquals("3.1.0", merged.getString("openapi"));
        assertEquals("/", merged.getJsonArray("servers").getJsonObject(0).getString("url"));
        assertNull(merged.getValue("x-agentyard-missing"));
    }

    @Test
    void aPathTheRouteTableSendsElsewhereIsLeftOut() {
        // agent-service documenting a chat path would be a route-table bug: the front door sends it to chat-service
        JsonObject merged = MergedOpenApi.merge(Map.of("agent-service",
                document("Agents", Map.of("/api/agents/{id}/chat", "x", "/api/agents/{id}", "getAgent"), Map.of())),
                RouteTable.fromIngress());
        assertEquals(List.of("/api/agents/{id}"), List.copyOf(merged.getJsonObject("paths").fieldNames()));
    }

    @Test
    void aServiceThatDidNotAnswerIsNamed() {
        Map<String, JsonObject> docs = new LinkedHashMap<>();
        docs.put("task-service", document("Tasks", Map.of("/api/tasks", "listTasks"), Map.of()));
        docs.put("chat-service", null);
        JsonObject merged = MergedOpenApi.merge(docs, RouteTable.fromIngress());
        assertEquals(new JsonArray().add("chat-service"), merged.getJsonArray("x-agentyard-missing"));
        assertTrue(merged.getJsonObject("paths").containsKey("/api/tasks"));
        assertFalse(merged.getJsonObject("paths").containsKey("/api/conversations"));
    }
}
