package io.agentyard.shared.testing;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

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

    @Test
    void openApiDescribesTheService() {
        given().accept("application/json").when().get("/q/openapi").then()
                .statusCode(200).body("openapi", containsString("3."));
    }

    @Test
    void unknownApiPathIsAProblem() {
        when().get("/api/no-such-thing").then()
                .statusCode(404);
    }
}
