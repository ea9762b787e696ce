package io.agentyard.shared.testing;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What every service promises operations: liveness that pings every event loop, readiness that checks
 * PostgreSQL and the event consumers (not Redis: README "Health"),
 * Prometheus metrics, OpenAPI and problem responses for unknown API paths. Each service runs it
 * with a {@code @QuarkusTest} subclass.
 */
public abstract class OperationsEndpointsContract {

    @Test
    void livenessPingsEveryEventLoop() {
        when().get("/q/health/live").then().statusCode(200).body("status", is("UP"))
                .body("checks.name", hasItems("Vert.x event loops responsive"))
                .body("checks.find { it.name == 'Vert.x event loops responsive' }.data.loops", greaterThanOrEqualTo(1));
    }

    @Test
    void readinessChecksPostgresAndTheConsumersButNotRedis() {
        when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check",
                        "Event consumers making progress"))
                .body("checks.name", not(hasItem("Redis connection health check")));
    }

    @Test
    void apiHealthIsTheReadinessAnswerWithoutAToken() {
        when().get("/api/health").then().statusCode(200).contentType("application/json").body("status", is("UP"))
                .body("checks.size()", greaterThanOrEqualTo(2));
    }

    @Test
    void metricsArePrometheusText() {
        when().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"));
    }

    /**
     * The metrics served are docs/metrics.md's for this service, with help text, types and labels
     * as catalogued; nothing the catalog lacks. (An API request first, so Quarkus' HTTP timer exists.)
     */
    @Test
    void metricsAreTheCatalogs() {
        when().get("/api/health").then().statusCode(200);
        MetricsCatalog.assertServed(ConfigProvider.getConfig().getValue("agentyard.events.source", String.class),
                servedOnlyInTests());
    }

    /** Metrics the service serves in its tests only, because of beans of its tests: the catalog need not list them. */
    protected java.util.Set<String> servedOnlyInTests() {
        return java.util.Set.of();
    }

    @Test
    void openApiDescribesTheService() {
        given().accept("application/json").when().get("/q/openapi").then()
                .statusCode(200).body("openapi", containsString("3."));
    }

    @Test
    void openApiKeepsTheRulesClientGeneratorsNeed() throws Exception {
        String json = given().accept("application/json").when().get("/q/openapi?format=json").then()
                .statusCode(200).extract().asString();
        assertEquals(List.of(), OpenApiRules.breaches(new ObjectMapper().readTree(json)));
    }

    @Test
    void unknownApiPathIsAProblem() {
        when().get("/api/no-such-thing").then()
                .statusCode(404);
    }
}
