package io.agentyard.identity;

import static io.agentyard.identity.IdentityApi.PASSWORD;
import static io.agentyard.identity.IdentityApi.PROBLEM_JSON;
import static io.agentyard.identity.IdentityApi.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Bad input to registration: always a problem response that says what is wrong, never a 500. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class RegistrationValidationTest {

    final IdentityApi api = new IdentityApi();

    private Map<String, Object> valid() {
        String username = uniqueName("val");
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        body.put("email", username + "@example.com");
        body.put("password", PASSWORD);
        return body;
    }

    @Test
    void malformedJsonIsA400Problem() {
        api.request().body("{\"username\": \"bob\", ").post("/api/auth/register")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("title", is("Malformed request"))
                .body("detail", containsString("not valid JSON"))
                .body("detail", not(containsString("Exception")));
    }

    @Test
    void missingBodyIsA400Problem() {
        api.request().post("/api/auth/register")
                .then().statusCode(400).contentType(PROBLEM_JSON);
    }

    @Test
    void missingFieldsAreNamed() {
        api.request().body(Map.of()).post("/api/auth/register")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("title", is("Validation failed"))
                .body("errors.field", hasItems("username", "email", "password"));
    }

    @Test
    void badEmailIsRefused() {
        Map<String, Object> body = valid();
        body.put("email", "not-an-email");
        api.request().body(body).post("/api/auth/register")
                .then().statusCode(400).body("errors.field", hasItem("email"))
                .body("errors.message", hasItem("must be a valid email address"));
    }

    @Test
    void badUsernameIsRefused() {
        Map<String, Object> body = valid();
        body.put("username", "a b");
        api.request().body(body).post("/api/auth/register")
                .then().statusCode(400).body("errors.field", hasItem("username"));
    }

    @Test
    void oversizedFieldsAreRefused() {
        Map<String, Object> body = valid();
        body.put("fullName", "x".repeat(256));
        body.put("email", "x".repeat(250) + "@example.com");
        api.request().body(body).post("/api/auth/register")
                .then().statusCode(400).body("errors.field", hasItems("fullName", "email"));
    }

    @Test
    void oversizedBodyIs413() {
        Map<String, Object> body = valid();
        body.put("fullName", "x".repeat(2 * 1024 * 1024));
        api.request().body(body).post("/api/auth/register").then().statusCode(413).contentType(PROBLEM_JSON)
                .body("detail", is("the request body is larger than 1048576 bytes"));
    }

    @Test
    void weakPasswordsAreRefusedWithTheRule() {
        Map<String, Object> body = valid();
        for (String[] weak : new String[][] {
                {"short1", "must be at least 10 characters"},
                {"onlyletterspassword", "must contain at least one letter and one digit"},
                {"12345678901234", "must contain at least one letter and one digit"},
                {body.get("username") + "-42x", "must not contain the username"},
                {"a1" + "é".repeat(40), "must be at most 72 bytes"}}) {
            body.put("password", weak[0]);
            api.request().body(body).post("/api/auth/register")
                    .then().statusCode(400).contentType(PROBLEM_JSON)
                    .body("errors[0].field", is("password"))
                    .body("errors[0].message", is(weak[1]));
        }
    }

    @Test
    void duplicateUsernameIgnoringCaseIsAConflict() {
        Map<String, Object> body = valid();
        api.request().body(body).post("/api/auth/register").then().statusCode(201);
        body.put("username", ((String) body.get("username")).toUpperCase());
        body.put("email", "other-" + body.get("email"));
        api.request().body(body).post("/api/auth/register")
                .then().statusCode(409).contentType(PROBLEM_JSON)
                .body("detail", containsString("already taken"));
    }

    @Test
    void duplicateEmailIgnoringCaseIsAConflict() {
        Map<String, Object> body = valid();
        api.request().body(body).post("/api/auth/register").then().statusCode(201);
        body.put("username", "other-" + body.get("username"));
        body.put("email", ((String) body.get("email")).toUpperCase());
        api.request().body(body).post("/api/auth/register")
                .then().statusCode(409).body("detail", containsString("already registered"));
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        Map<String, Object> body = valid();
        body.put("role", "admin");
        api.request().body(body).post("/api/auth/register")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("detail", is("unknown field 'role'"))
                .body("errors[0].field", is("role"));
    }

    @Test
    void wrongTypeIsRefusedByName() {
        Map<String, Object> body = valid();
        body.put("fullName", Map.of("first", "Ada"));
        api.request().body(body).post("/api/auth/register")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors[0].field", is("fullName"));
    }

    @Test
    void nonJsonContentTypeIs415() {
        api.request().contentType("text/plain").body("hello").post("/api/auth/register")
                .then().statusCode(415).contentType(PROBLEM_JSON);
    }
}
