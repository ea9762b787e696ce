package io.agentyard.shared.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an Agentyard OpenAPI document promises a client generator, checked on one service's document
 * (OperationsEndpointsContract) and on the gateway's merged one (the e2e module): each rule's breaches come
 * back as lines naming the operation, so a failing test says what to fix.
 */
public final class OpenApiRules {

    /** The requests a person or worker makes first: their bodies carry an example. */
    public static final Set<String> EXAMPLED = Set.of("register", "login", "createTask", "createAgent", "claimWorkOrder",
            "completeWorkOrder", "postMessage");
    /** POSTs to a plural path that add to something rather than create a resource of their own. */
    static final Set<String> APPENDING = Set.of("chunks");
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    static final String PROBLEM = "application/problem+json";

    private OpenApiRules() {
    }

    /** Every breach of the rules in {@code document}; empty when it keeps them all. */
    public static List<String> breaches(JsonNode document) {
        List<String> breaches = new ArrayList<>();
        if (!document.path("openapi").asText().startsWith("3.")) {
            breaches.add("not OpenAPI 3: openapi = " + document.path("openapi"));
        }
        if (document.path("info").path("title").asText().isBlank() || document.path("info").path("version").asText().isBlank()) {
            breaches.add("info needs a title and a version");
        }
        Set<String> tags = new HashSet<>();
        document.path("tags").forEach(tag -> tags.add(tag.path("name").asText()));
        JsonNode schemas = document.path("components").path("schemas");
        schemas.fieldNames().forEachRemaining(name -> {
            if (Character.isDigit(name.charAt(name.length() - 1))) {
                breaches.add("schema " + name + ": a name ending in a digit is a clash the scanner renamed");
            }
        });
        Map<String, String> operationIds = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (METHODS.contains(op.getKey())) {
                    operation(op.getKey().toUpperCase() + " " + path.getKey(), path.getKey(), op.getValue(), tags,
                            operationIds, breaches);
                }
            }
        }
        references(document, document, "", breaches);
        return breaches;
    }

    private static void operation(String name, String path, JsonNode op, Set<String> tags, Map<String, String> operationIds,
                                  List<String> breaches) {
        String id = op.path("operationId").asText();
        if (id.isBlank()) {
            breaches.add(name + ": no operationId");
        } else if (operationIds.putIfAbsent(id, name) != null) {
            breaches.add(name + ": operationId " + id + " is also " + operationIds.get(id) + "'s");
        }
        if (op.path("tags").size() != 1) {
            breaches.add(name + ": " + op.path("tags").size() + " tags, not one");
        } else if (!tags.contains(op.path("tags").get(0).asText())) {
            breaches.add(name + ": tag " + op.path("tags").get(0).asText() + " is not declared in tags");
        }
        JsonNode responses = op.path("responses");
        boolean success = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> response = it.next();
            String code = response.getKey();
            success |= code.startsWith("2");
            if ((code.startsWith("4") || code.startsWith("5"))
                    && !response.getValue().path("content").path(PROBLEM).path("schema").path("$ref").asText()
                    .equals("#/components/schemas/Problem")) {
                breaches.add(name + ": " + code + " is not documented as a problem (" + PROBLEM + ", schema Problem)");
            }
        }
        if (!success) {
            breaches.add(name + ": no success response");
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (name.startsWith("POST ") && !last.startsWith("{") && last.endsWith("s") && !APPENDING.contains(last)
                && !responses.has("201")) {
            breaches.add(name + ": creates (a POST to a collection) but does not document 201");
        }
        if (EXAMPLED.contains(id) && op.path("requestBody").findValues("examples").isEmpty()
                && op.path("requestBody").findValues("example").isEmpty()) {
            breaches.add(name + ": " + id + " is a main request and its body has no example");
        }
    }

    /** Every {@code $ref} names a component the document has. */
    private static void references(JsonNode document, JsonNode node, String where, List<String> breaches) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                String target = ref.asText();
                JsonNode resolved = target.startsWith("#/") ? document.at(target.substring(1)) : null;
                if (resolved == null || resolved.isMissingNode()) {
                    breaches.add(where + ": $ref " + target + " names nothing");
                }
            }
            node.fields().forEachRemaining(e -> references(document, e.getValue(), where + "/" + e.getKey(), breaches));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                references(document, node.get(i), where + "/" + i, breaches);
            }
        }
    }
}
