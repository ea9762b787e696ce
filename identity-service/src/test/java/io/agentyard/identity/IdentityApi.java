package io.agentyard.identity;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Test helpers that speak identity-service's API. Each helper instance is one client address
 * (X-Forwarded-For), so throttling in one test never spills into another.
 */
final class IdentityApi {

    static final String ADMIN_USERNAME = "admin";
    static final String ADMIN_PASSWORD = "Bootstrap-secret-42";
    static final String PASSWORD = "correct-horse-42";
    static final String PROBLEM_JSON = "application/problem+json";

    final String address = "10.%d.%d.%d".formatted(ThreadLocalRandom.current().nextInt(256),
            ThreadLocalRandom.current().nextInt(256), ThreadLocalRandom.current().nextInt(1, 255));

    RequestSpecification request() {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", address);
    }

    RequestSpecification as(String accessToken) {
        return request().auth().oauth2(accessToken);
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers a developer with {@link #PASSWORD}; returns the new user's id. */
    String register(String username) {
        return request().body(Map.of("username", username, "email", username + "@example.com", "password", PASSWORD))
                .post("/api/auth/register").then().statusCode(201).extract().path("id");
    }

    /** Signs in and returns the whole token response. */
    Map<String, Object> login(String username, String password) {
        return request().body(Map.of("username", username, "password", password))
                .post("/api/auth/login").then().statusCode(200).extract().as(Map.class);
    }

    String accessToken(String username, String password) {
        return (String) login(username, password).get("accessToken");
    }

    String adminToken() {
        return accessToken(ADMIN_USERNAME, ADMIN_PASSWORD);
    }

    /** A fresh developer, signed in: {id, username, accessToken, refreshToken}. */
    Map<String, String> newDeveloper() {
        String username = uniqueName("dev");
        String id = register(username);
        Map<String, Object> tokens = login(username, PASSWORD);
        return Map.of("id", id, "username", username, "accessToken", (String) tokens.get("accessToken"),
                "refreshToken", (String) tokens.get("refreshToken"));
    }
}
