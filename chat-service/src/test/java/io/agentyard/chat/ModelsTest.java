package io.agentyard.chat;

import static io.agentyard.chat.ProvidersTest.PROBLEM;
import static io.agentyard.chat.ProvidersTest.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentyard.chat.StandInProvider.Reply;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The models agents may use (those of enabled providers), and trying one through the real client. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class ModelsTest {

    static StandInProvider standIn;

    final String admin = TestTokens.admin();
    final String developer = TestTokens.developer(UUID.randomUUID());

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

    String provider(String... models) {
        String name = "m-" + UUID.randomUUID().toString().substring(0, 8);
        standIn.register(admin, name, "", models);
        return name;
    }

    void disable(String provider) {
        as(admin).body(Map.of("enabled", false)).post("/api/providers/" + provider).then().statusCode(200);
    }

    @Test
    void modelsOfEnabledProvidersAreListedWithTheirIds() {
        String on = provider("llama3.1", "meta-llama/Llama-3.1-8B-Instruct");
        String off = provider("hidden");
        disable(off);
        as(TestTokens.viewer()).get("/api/models").then().statusCode(200)
                .body("id", hasItems(on + "/llama3.1", on + "/meta-llama/Llama-3.1-8B-Instruct"))
                .body("id", not(hasItem(off + "/hidden")))
                .body("find { it.id == '" + on + "/llama3.1' }.provider", is(on))
                .body("find { it.id == '" + on + "/llama3.1' }.model", is("llama3.1"));
        given().get("/api/models").then().statusCode(401).contentType(PROBLEM);
    }

    @Test
    void aModelIsFoundByAnIdWhoseModelPartHoldsSlashes() {
        String provider = "vllm-" + UUID.randomUUID().toString().substring(0, 6);
        as(admin).body(Map.of("baseUrl", standIn.baseUrl(), "models", List.of(Map.of("name",
                        "meta-llama/Llama-3.1-8B-Instruct", "displayName", "Llama 3.1 8B", "contextWindow", 131072))))
                .post("/api/providers/" + provider).then().statusCode(201);
        as(developer).get("/api/models/" + provider + "/meta-llama/Llama-3.1-8B-Instruct").then().statusCode(200)
                .body("id", is(provider + "/meta-llama/Llama-3.1-8B-Instruct"))
                .body("provider", is(provider))
                .body("model", is("meta-llama/Llama-3.1-8B-Instruct"))
                .body("displayName", is("Llama 3.1 8B"))
                .body("contextWindow", is(131072));
    }

    @Test
    void unknownModelsAndModelsOfDisabledProvidersAre404() {
        String provider = provider("a");
        as(developer).get("/api/models/" + provider + "/b").then().statusCode(404).contentType(PROBLEM)
                .body("detail", containsString(provider + "/b"));
        as(developer).get("/api/models/no-such/a").then().statusCode(404).contentType(PROBLEM);
        as(developer).get("/api/models/just-a-name").then().statusCode(404).contentType(PROBLEM);
        disable(provider);
        as(developer).get("/api/models/" + provider + "/a").then().statusCode(404);
    }

    @Test
    void testingAModelSendsATinyCompletionThroughTheClient() {
        String provider = provider("m");
        standIn.enqueue(Reply.text("O", "K").usage(20, 1));
        as(developer).body(Map.of("provider", provider, "model", "m")).post("/api/models/test").then()
                .statusCode(200)
                .body("ok", is(true))
                .body("reply", is("OK"))
                .body("finishReason", is("stop"))
                .body("latencyMs", greaterThanOrEqualTo(0))
                .body("firstTokenMs", notNullValue())
                .body("error", nullValue());
        StandInProvider.Recorded sent = standIn.lastRequest();
        assertThat(sent.model(), is("m"));
        assertThat(sent.maxTokens(), is(8));
        assertThat(sent.temperature(), is(0.0));
        assertThat(sent.lastUserMessage(), is("Reply with the single word OK."));
    }

    @Test
    void aFailingProviderStillAnswers200WithTheReason() {
        String provider = provider("m");
        standIn.enqueue(Reply.error(500, "model overloaded"));
        as(admin).body(Map.of("provider", provider, "model", "m")).post("/api/models/test").then().statusCode(200)
                .body("ok", is(false))
                .body("error", is("provider '" + provider + "' answered HTTP 500: model overloaded"))
                .body("problem", is("provider-error"))
                .body("reply", nullValue());
        standIn.enqueue(Reply.hang());
        as(admin).body(Map.of("provider", provider, "model", "m")).post("/api/models/test").then().statusCode(200)
                .body("ok", is(false)).body("problem", is("provider-timeout"))
                .body("latencyMs", greaterThanOrEqualTo(1900));
    }

    @Test
    void anUnreachableProviderIsReportedNotThrown() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String provider = "down-" + UUID.randomUUID().toString().substring(0, 8);
        as(admin).body(Map.of("baseUrl", "http://127.0.0.1:" + closedPort + "/v1", "models", List.of(Map.of("name", "m"))))
                .post("/api/providers/" + provider).then().statusCode(201);
        as(admin).body(Map.of("provider", provider, "model", "m")).post("/api/models/test").then().statusCode(200)
                .body("ok", is(false)).body("problem", is("provider-unreachable"))
                .body("error", containsString("connection refused"));
    }

    @Test
    void aDisabledProviderCanBeTriedBeforeItIsEnabled() {
        String provider = provider("m");
        disable(provider);
        as(admin).body(Map.of("provider", provider, "model", "m")).post("/api/models/test").then().statusCode(200)
                .body("ok", is(true));
    }

    @Test
    void testingSomethingTheCatalogueLacksIs422() {
        String provider = provider("m");
        as(admin).body(Map.of("provider", "no-such", "model", "m")).post("/api/models/test").then().statusCode(422)
                .contentType(PROBLEM).body("type", containsString("provider-unknown"));
        as(admin).body(Map.of("provider", provider, "model", "other")).post("/api/models/test").then().statusCode(422)
                .contentType(PROBLEM).body("type", containsString("model-unknown"));
        as(admin).body(Map.of("provider", provider)).post("/api/models/test").then().statusCode(400)
                .body("errors.field", hasItem("model"));
        assertThat(standIn.requests().size(), is(0));
    }

    @Test
    void onlyAdminsAndDevelopersTestModels() {
        String provider = provider("m");
        as(TestTokens.viewer()).body(Map.of("provider", provider, "model", "m")).post("/api/models/test").then()
                .statusCode(403).contentType(PROBLEM);
        as(TestTokens.worker(UUID.randomUUID())).body(Map.of("provider", provider, "model", "m"))
                .post("/api/models/test").then().statusCode(403);
        assertThat(standIn.requests().size(), is(0));
    }
}
