package io.agentyard.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentyard.chat.provider.ProviderCatalogue;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The provider catalogue: anyone signed in reads it, only admins change it, keys are write-only and
 * never leave the service; configuration seeds what the catalogue lacks and supplies keys.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class ProvidersTest {

    static final String PROBLEM = "application/problem+json";
    /** Seeded from %test configuration (application.properties): providers seeded and seeded-b, a key for keyonly. */
    static final String SEEDED_KEY = "seeded-secret-key-0123456789";
    static final String KEYONLY_KEY = "keyonly-secret-key-9876543210";

    static StandInProvider standIn;

    @Inject
    ProviderCatalogue catalogue;

    final String admin = TestTokens.admin();

    static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).auth().oauth2(token);
    }

    @BeforeAll
    static void startStandIn() {
        standIn = StandInProvider.start();
    }

    @AfterAll
    static void stopStandIn() {
        standIn.close();
    }

    @BeforeEach
    void resetStandIn() {
        standIn.reset();
    }

    static String name() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Map<String, Object> body(Object... pairs) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return body;
    }

    @Test
    void anAdminCreatesAProviderAnd201ShowsItWithoutTheKey() {
        String name = name();
        String key = "sk-" + UUID.randomUUID();
        String answer = as(admin).body(body("baseUrl", "http://ollama.example:11434/v1/", "apiKey", key,
                        "models", List.of(Map.of("name", "llama3.1", "displayName", "Llama 3.1 8B", "contextWindow", 131072),
                                Map.of("name", "qwen2.5-coder:7b"))))
                .post("/api/providers/" + name).then().statusCode(201)
                .header("Location", containsString("/api/providers/" + name))
                .body("name", is(name))
                .body("baseUrl", is("http://ollama.example:11434/v1"))
                .body("enabled", is(true))
                .body("apiKeyConfigured", is(true))
                .body("apiKeySource", is("catalogue"))
                .body("models.id", is(List.of(name + "/llama3.1", name + "/qwen2.5-coder:7b")))
                .body("models[0].displayName", is("Llama 3.1 8B"))
                .body("models[0].contextWindow", is(131072))
                .body("createdAt", notNullValue())
                .extract().asString();
        assertThat(answer, not(containsString(key)));
        assertThat(answer, not(containsString("apiKey\"")));
    }

    @Test
    void everySignedInCallerListsProvidersAndNobodySeesAKey() {
        String name = name();
        String key = "sk-" + UUID.randomUUID();
        as(admin).body(body("baseUrl", "https://api.example.com/v1", "apiKey", key, "models",
                List.of(Map.of("name", "gpt-x")))).post("/api/providers/" + name).then().statusCode(201);
        for (String token : List.of(admin, TestTokens.developer(UUID.randomUUID()), TestTokens.viewer(),
                TestTokens.worker(UUID.randomUUID()), TestTokens.service())) {
            String list = as(token).get("/api/providers").then().statusCode(200)
                    .body("name", hasItem(name))
                    .body("find { it.name == '" + name + "' }.apiKeyConfigured", is(true))
                    .extract().asString();
            String one = as(token).get("/api/providers/" + name).then().statusCode(200)
                    .body("baseUrl", is("https://api.example.com/v1")).body("models.model", is(List.of("gpt-x")))
                    .extract().asString();
            assertThat(list + one, not(containsString(key)));
        }
        given().get("/api/providers").then().statusCode(401).contentType(PROBLEM);
        as(admin).get("/api/providers/no-such").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void onlyAdminsChangeProviders() {
        Map<String, Object> body = body("baseUrl", "http://localhost:11434/v1");
        as(TestTokens.developer(UUID.randomUUID())).body(body).post("/api/providers/" + name()).then().statusCode(403)
                .contentType(PROBLEM);
        as(TestTokens.viewer()).body(body).post("/api/providers/" + name()).then().statusCode(403);
        as(TestTokens.worker(UUID.randomUUID())).body(body).post("/api/providers/" + name()).then().statusCode(403);
        given().contentType(ContentType.JSON).body(body).post("/api/providers/" + name()).then().statusCode(401);
    }

    @Test
    void anUpdateChangesOnlyTheFieldsGivenAndAnswers200() {
        String name = name();
        as(admin).body(body("baseUrl", "http://a.example/v1", "apiKey", "sk-keep", "models",
                List.of(Map.of("name", "one")))).post("/api/providers/" + name).then().statusCode(201);
        as(admin).body(body("enabled", false)).post("/api/providers/" + name).then().statusCode(200)
                .body("enabled", is(false)).body("baseUrl", is("http://a.example/v1"))
                .body("apiKeyConfigured", is(true)).body("models.model", is(List.of("one")));
        as(admin).body(body("baseUrl", "https://b.example/openai/v1", "models",
                        List.of(Map.of("name", "two"), Map.of("name", "three"))))
                .post("/api/providers/" + name).then().statusCode(200)
                .body("enabled", is(false)).body("baseUrl", is("https://b.example/openai/v1"))
                .body("models.model", is(List.of("two", "three")));
        as(admin).body(body("models", List.of())).post("/api/providers/" + name).then().statusCode(200)
                .body("models", is(List.of()));
    }

    @Test
    void anEmptyKeyClearsItAndCallsStopSendingIt() {
        String name = name();
        String key = "sk-" + UUID.randomUUID();
        standIn.register(admin, name, key, "m");
        as(admin).body(Map.of("provider", name, "model", "m")).post("/api/models/test").then().statusCode(200)
                .body("ok", is(true));
        assertThat(standIn.lastRequest().bearer(), is(key));

        as(admin).body(body("apiKey", "")).post("/api/providers/" + name).then().statusCode(200)
                .body("apiKeyConfigured", is(false)).body("apiKeySource", nullValue());
        as(admin).body(Map.of("provider", name, "model", "m")).post("/api/models/test").then().statusCode(200)
                .body("ok", is(true));
        assertThat(standIn.lastRequest().bearer(), nullValue());
    }

    @Test
    void aConfiguredKeyAppliesUntilTheCatalogueHoldsOne() {
        // %test configuration names a key for provider "keyonly" but no base URL: it is created here.
        standIn.register(admin, "keyonly", "", "m");
        as(admin).get("/api/providers/keyonly").then().statusCode(200)
                .body("apiKeyConfigured", is(true)).body("apiKeySource", is("configuration"));
        as(admin).body(Map.of("provider", "keyonly", "model", "m")).post("/api/models/test").then().statusCode(200);
        assertThat(standIn.lastRequest().bearer(), is(KEYONLY_KEY));

        as(admin).body(body("apiKey", "sk-from-the-api")).post("/api/providers/keyonly").then().statusCode(200)
                .body("apiKeySource", is("catalogue"));
        as(admin).body(Map.of("provider", "keyonly", "model", "m")).post("/api/models/test").then().statusCode(200);
        assertThat(standIn.lastRequest().bearer(), is("sk-from-the-api"));

        as(admin).body(body("apiKey", "")).post("/api/providers/keyonly").then().statusCode(200)
                .body("apiKeySource", is("configuration"));
        as(admin).body(Map.of("provider", "keyonly", "model", "m")).post("/api/models/test").then().statusCode(200);
        assertThat(standIn.lastRequest().bearer(), is(KEYONLY_KEY));
    }

    @Test
    void configurationSeedsAProviderTheCatalogueLacks() {
        String answer = as(TestTokens.viewer()).get("/api/providers/seeded").then().statusCode(200)
                .body("baseUrl", is("http://127.0.0.1:9/v1"))
                .body("enabled", is(true))
                .body("models.model", is(List.of("seed-model-a", "seed-model-b")))
                .body("apiKeyConfigured", is(true))
                .body("apiKeySource", is("configuration"))
                .extract().asString();
        assertThat(answer, not(containsString(SEEDED_KEY)));
    }

    @Test
    void theCatalogueWinsOverConfigurationOnceItHasTheProvider() {
        as(admin).body(body("baseUrl", "http://127.0.0.1:10/v1", "models", List.of(Map.of("name", "mine"))))
                .post("/api/providers/seeded-b").then().statusCode(200);
        catalogue.seedFromConfiguration(); // what every start does
        as(admin).get("/api/providers/seeded-b").then().statusCode(200)
                .body("baseUrl", is("http://127.0.0.1:10/v1")).body("models.model", is(List.of("mine")));
    }

    @Test
    void badProviderRequestsAreProblemsNamingTheField() {
        String name = name();
        for (String url : List.of("ftp://host/v1", "http://user:pass@host/v1", "http://host/v1?key=x", "host:11434",
                "http://", "http://host/v1#top")) {
            as(admin).body(body("baseUrl", url)).post("/api/providers/" + name).then().statusCode(400)
                    .contentType(PROBLEM).body("errors.field", hasItem("baseUrl"));
        }
        as(admin).body(body("enabled", true)).post("/api/providers/" + name).then().statusCode(400)
                .body("errors.field", hasItem("baseUrl")).body("detail", containsString("required to create"));
        as(admin).body(body("baseUrl", "http://host/v1")).post("/api/providers/Not_Lower").then().statusCode(400)
                .contentType(PROBLEM);
        as(admin).body(body("baseUrl", "http://host/v1", "models", List.of(Map.of("name", "a"), Map.of("name", "a"))))
                .post("/api/providers/" + name).then().statusCode(400).body("errors.field", hasItem("models"));
        as(admin).body(body("baseUrl", "http://host/v1", "models", List.of(Map.of("name", "a", "contextWindow", 0))))
                .post("/api/providers/" + name).then().statusCode(400);
        as(admin).body(body("baseUrl", "http://host/v1", "models", List.of(Map.of("name", "has space"))))
                .post("/api/providers/" + name).then().statusCode(400);
        as(admin).body(body("baseUrl", "http://host/v1", "secret", "x")).post("/api/providers/" + name).then()
                .statusCode(400).body("errors.field", hasItem("secret"));
        as(admin).get("/api/providers/" + name).then().statusCode(404);
    }

    @Test
    void keysNeverAppearInLogsOrResponses() {
        String key = "sk-never-" + UUID.randomUUID();
        String badKey = "sk-bad " + UUID.randomUUID();
        try (ChatCompletionsTest.CapturedLog log = ChatCompletionsTest.CapturedLog.start()) {
            String name = name();
            StringBuilder responses = new StringBuilder();
            responses.append(as(admin).body(body("baseUrl", standIn.baseUrl(), "apiKey", key, "models",
                    List.of(Map.of("name", "m")))).post("/api/providers/" + name).then().statusCode(201)
                    .extract().asString());
            responses.append(as(admin).body(body("apiKey", badKey)).post("/api/providers/" + name).then()
                    .statusCode(400).extract().asString());
            responses.append(as(admin).get("/api/providers").then().statusCode(200).extract().asString());
            standIn.requireKey("sk-something-else");
            responses.append(as(admin).body(Map.of("provider", name, "model", "m")).post("/api/models/test").then()
                    .statusCode(200).body("ok", is(false)).body("problem", is("provider-refused-key"))
                    .extract().asString());
            standIn.requireKey(null);
            standIn.enqueue(StandInProvider.Reply.error(500, "echo " + key));
            responses.append(as(admin).body(Map.of("provider", name, "model", "m")).post("/api/models/test").then()
                    .statusCode(200).body("ok", is(false)).extract().asString());
            assertThat(standIn.requests().size(), is(2));

            assertThat("the log was captured", log.text(), containsString(name));
            assertThat(responses.toString(), not(containsString(key)));
            assertThat(responses.toString(), not(containsString(badKey)));
            assertThat(log.text(), not(containsString(key)));
            assertThat(log.text(), not(containsString(badKey)));
        }
    }
}
