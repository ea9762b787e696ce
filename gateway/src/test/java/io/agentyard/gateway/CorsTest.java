package io.agentyard.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** AGENTYARD_CORS_ORIGINS turns CORS on for the origins it lists, and for no other. */
@QuarkusTest
@QuarkusTestResource(FakeServices.class)
@TestProfile(CorsTest.Console.class)
class CorsTest {

    public static class Console implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("AGENTYARD_CORS_ORIGINS", "https://console.example.com,https://admin.example.com");
        }
    }

    @Test
    void anAllowedOriginGetsThePreflightAnswer() {
        given().header("Origin", "https://console.example.com").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "Authorization,Content-Type")
                .options("/api/tasks").then().statusCode(200)
                .header("Access-Control-Allow-Origin", is("https://console.example.com"))
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
    }

    @Test
    void anAllowedOriginSeesTheAnswerOfTheService() {
        given().header("Origin", "https://admin.example.com").get("/api/tasks").then().statusCode(200)
                .header("Access-Control-Allow-Origin", is("https://admin.example.com"))
                .header("Access-Control-Expose-Headers", containsString("Location"));
    }

    @Test
    void anotherOriginGetsNoCorsHeaders() {
        given().header("Origin", "https://evil.example.net").header("Access-Control-Request-Method", "POST")
                .options("/api/tasks").then().header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "https://evil.example.net").get("/api/tasks").then()
                .header("Access-Control-Allow-Origin", nullValue());
    }
}
