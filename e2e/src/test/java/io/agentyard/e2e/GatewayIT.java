package io.agentyard.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.shared.testing.OpenApiRules;
import io.agentyard.shared.testing.SiblingService;
import io.agentyard.worker.testing.Suite;
import io.restassured.http.ContentType;

/**
 * The gateway in front of the real suite: one address for the whole API, and one OpenAPI document merged
 * from every service's that keeps the rules client generators need ({@link OpenApiRules}).
 */
class GatewayIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static Suite suite;
    static SiblingService gateway;

    @BeforeAll
    static void startTheSuiteAndItsGateway() {
        suite = Suite.get();
        Map<String, String> env = new HashMap<>(suite.workerEnv()); // the services' URLs, under the names the gateway reads
        env.put("AGENTYARD_JSON_LOGS", "false");
        gateway = SiblingService.launch("gateway", env);
    }

    @AfterAll
    static void stopTheGateway() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    static Map<String, JsonNode> serviceDocuments() throws Exception {
        Map<String, JsonNode> documents = new LinkedHashMap<>();
        for (SiblingService service : List.of(suite.identity, suite.agents, suite.tasks, suite.executions, suite.chat)) {
            documents.put(service.module(), JSON.readTree(given().accept(ContentType.JSON)
                    .get(service.url() + "/q/openapi?format=json").then().statusCode(200).extract().asString()));
        }
        return documents;
    }

    static JsonNode merged() throws Exception {
        return JSON.readTree(given().get(gateway.url() + "/openapi").then().statusCode(200)
                .contentType(ContentType.JSON).extract().asString());
    }

    @Test
    void theMergedDocumentKeepsEveryRule() throws Exception {
        JsonNode merged = merged();
        assertEquals(List.of(), OpenApiRules.breaches(merged));
        assertNull(merged.get("x-agentyard-missing"), "every service answered");
    }

    @Test
    void everyPathOfEveryServiceIsInTheMergedDocumentAsTheServiceDocumentsIt() throws Exception {
        JsonNode merged = merged();
        List<String> wrong = new ArrayList<>();
        serviceDocuments().forEach((service, document) -> document.path("paths").fields().forEachRemaining(path -> {
            if (path.getKey().equals("/api/health")) {
                return; // every service answers it for itself: the front door does not route it
            }
            if (!path.getValue().equals(merged.path("paths").path(path.getKey()))) {
                wrong.add(service + " " + path.getKey());
            }
        }));
        assertEquals(List.of(), wrong, "missing from the merged document, or documented differently there");
        assertTrue(merged.path("paths").has("/api/tasks") && merged.path("paths").has("/api/conversations"));
    }

    @Test
    void aSchemaNameMeansOneSchemaAcrossTheSuite() throws Exception {
        Map<String, Map<String, JsonNode>> byName = new TreeMap<>();
        serviceDocuments().forEach((service, document) -> document.path("components").path("schemas").fields()
                .forEachRemaining(schema -> byName.computeIfAbsent(schema.getKey(), k -> new TreeMap<>())
                        .put(service, schema.getValue())));
        List<String> clashes = new ArrayList<>();
        byName.forEach((name, versions) -> {
            if (versions.values().stream().distinct().count() > 1) {
                clashes.add(name + " differs between " + versions.keySet());
            }
        });
        assertEquals(List.of(), clashes);
        assertTrue(byName.get("Problem").size() == 5, "every service documents its problems with one schema");
    }

    @Test
    void theApiAnswersAtOneAddress() {
        String username = "gw-" + Long.toHexString(System.nanoTime());
        given().contentType(ContentType.JSON).body(Map.of("username", username, "email", username + "@example.com",
                        "password", Journey.PASSWORD)).post(gateway.url() + "/api/auth/register").then().statusCode(201);
        String token = given().contentType(ContentType.JSON).body(Map.of("username", username, "password", Journey.PASSWORD))
                .post(gateway.url() + "/api/auth/login").then().statusCode(200).extract().path("accessToken");
        String project = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("name", "gw-" + username, "language", "java"))
                .post(gateway.url() + "/api/projects").then().statusCode(201).extract().path("id");
        given().auth().oauth2(token).get(gateway.url() + "/api/projects/" + project).then().statusCode(200)
                .body("id", is(project));
        given().auth().oauth2(token).get(gateway.url() + "/api/conversations").then().statusCode(200);
        given().get(gateway.url() + "/api/no-such-thing").then().statusCode(404)
                .contentType("application/problem+json").body("status", is(404));
    }
}
