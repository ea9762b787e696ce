package io.agentyard.chat;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/** Test kit of chat-service: speaks its API as a given caller. */
public final class ChatApi {

    public static final String PROBLEM = "application/problem+json";

    private ChatApi() {
    }

    public static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).auth().oauth2(token);
    }

    /** Opens a conversation (201) and answers its id. */
    public static UUID conversation(String token, Map<String, Object> body) {
        return UUID.fromString(as(token).body(body).post("/api/conversations").then().statusCode(201)
                .extract().path("id"));
    }

    public static UUID conversation(String token) {
        return conversation(token, Map.of("title", "about things"));
    }

    public static ValidatableResponse post(String token, UUID conversationId, Map<String, Object> body) {
        return as(token).body(body).post("/api/conversations/" + conversationId + "/messages").then();
    }

    /** Posts a message (201) and answers its id. */
    public static UUID message(String token, UUID conversationId, String content) {
        return UUID.fromString(post(token, conversationId, Map.of("content", content)).statusCode(201)
                .extract().path("id"));
    }

    /** Opens a streaming message (201) and answers its id. */
    public static UUID streaming(String token, UUID conversationId) {
        return UUID.fromString(post(token, conversationId, Map.of("content", "", "streaming", true)).statusCode(201)
                .extract().path("id"));
    }

    public static ValidatableResponse chunk(String token, UUID conversationId, UUID messageId, int sequence,
                                            String content) {
        Map<String, Object> body = new HashMap<>();
        body.put("sequence", sequence);
        body.put("content", content);
        return as(token).body(body).post("/api/conversations/" + conversationId + "/messages/" + messageId + "/chunks")
                .then();
    }
}
