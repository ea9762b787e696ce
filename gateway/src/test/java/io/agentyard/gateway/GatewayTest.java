package io.agentyard.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(FakeServices.class)
class GatewayTest {

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void aRequestReachesTheServiceAsItWasSentWithTheClientForwarded() {
        given().contentType("application/json").body("{\"name\":\"x\"}").header("X-Forwarded-For", "6.6.6.6")
                .post("/api/agents?active=true").then().statusCode(200)
                .body("method", is("POST")).body("uri", is("/api/agents?active=true")).body("bodyLength", is(12))
                .body("forwardedFor", is("127.0.0.1")) // what a client claims is replaced: the gateway is the edge
                .body("forwardedProto", is("http")).body("forwardedHost", containsString("localhost"));
    }

    @Test
    void anUnknownApiPathIsAProblem404() {
        given().get("/api/no-such-thing").then().statusCode(404).contentType("application/problem+json")
                .body("status", is(404)).body("title", is("Not Found")).body("instance", is("/api/no-such-thing"));
    }

    @Test
    void aServiceThatIsDownIsA503ProblemAtOnce() {
        long start = System.nanoTime();
        given().get("/api/conversations").then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "5").body("status", is(503)).body("instance", is("/api/conversations"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), "no hang");
    }

    @Test
    void serverSentEventsFlowThroughUnbuffered() throws Exception {
        long start = System.nanoTime();
        HttpURLConnectionStream stream = new HttpURLConnectionStream(gateway + "api/executions/4f1c/logs/stream");
        assertEquals("data: first", stream.readLine());
        long firstAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(firstAfter < FakeServices.SSE_GAP_MS - 1000,
                "the first event came after " + firstAfter + " ms: held back until the stream went on");
        assertEquals("", stream.readLine());
        assertEquals("data: second", stream.readLine());
        stream.close();
    }

    @Test
    void webSocketsAreProxied() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(gateway.toString().replace("http", "ws") + "api/executions/4f1c/live"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                reply.complete(data.toString());
                                return null;
                            }
                        }).get(5, TimeUnit.SECONDS);
        socket.sendText("ping", true);
        assertEquals("echo:ping", reply.get(5, TimeUnit.SECONDS));
        socket.abort();
    }

    @Test
    void aServicesOwnCorsHeadersDoNotPassTheFrontDoor() {
        given().get("/api/tasks").then().statusCode(200).header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void theMergedDocumentIsServedAsJsonAndYaml() {
        // the stand-ins have no /q/openapi of their own (they echo), so only the shape is checked here;
        // the e2e module merges the real services' documents
        given().get("/openapi").then().statusCode(200).contentType("application/json")
                .body("info.title", is("Agentyard API")).body("openapi", containsString("3."));
        given().get("/openapi?format=yaml").then().statusCode(200).contentType(containsString("yaml"))
                .body(containsString("title: Agentyard API"));
    }

    @Test
    void swaggerUiShowsTheMergedDocument() {
        given().redirects().follow(true).get("/swagger-ui/").then().statusCode(200);
        given().get("/swagger-ui/index.html").then().statusCode(200);
    }

    /** A streamed GET read line by line as bytes arrive. */
    static final class HttpURLConnectionStream implements AutoCloseable {
        private final HttpResponse<java.io.InputStream> response;
        private final BufferedReader reader;

        HttpURLConnectionStream(String url) throws Exception {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        String readLine() throws Exception {
            return reader.readLine();
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }
    }
}
