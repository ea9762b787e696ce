package io.agentyard.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Without AGENTYARD_CORS_ORIGINS there is no CORS: no origin gets its headers, the request is served. */
@QuarkusTest
@QuarkusTestResource(FakeServices.class)
class CorsOffTest {

    @Test
    void noOriginGetsCorsHeadersByDefault() {
        given().header("Origin", "https://console.example.com").get("/api/tasks").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
    }
}
