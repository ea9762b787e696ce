package io.agentyard.chat;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentyard.chat.StandInProvider.Reply;
import io.agentyard.chat.llm.ChatCompletions;
import io.agentyard.chat.llm.ChatTurn;
import io.agentyard.chat.llm.CompletionChunk;
import io.agentyard.chat.llm.CompletionFailure;
import io.agentyard.chat.llm.CompletionRequest;
import io.agentyard.chat.message.MessageRole;
import io.agentyard.chat.reply.ReplyModel;
import io.agentyard.shared.problem.Problem;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;

/**
 * The chat-completions client against the stand-in provider: what it sends, how it reads the
 * stream, how a stop closes the upstream connection, and how each failure is typed and bounded in
 * time. (Test settings: first token 2 s, idle 1 s, connect 1 s, Retry-After 7 s.)
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class ChatCompletionsTest {

    static final Duration FIRST_TOKEN = Duration.ofSeconds(2);
    static final Duration IDLE = Duration.ofSeconds(1);
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String MODEL = "m1";

    static StandInProvider standIn;

    @Inject
    ChatCompletions completions;

    @Inject
    ReplyModel replyModel;

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

    /** A new provider pointing at the stand-in, with {@code key} ("" for none) and model {@value #MODEL}. */
    static String provider(String key) {
        String name = "si-" + UUID.randomUUID().toString().substring(0, 8);
        standIn.register(TestTokens.admin(), name, key, MODEL);
        return name;
    }

    static CompletionRequest request(String provider) {
        return CompletionRequest.of(provider, MODEL, "You are terse.",
                List.of(ChatTurn.user("Hi"), ChatTurn.assistant("Hello."), ChatTurn.user("Say hello again")), 0.3, 50);
    }

    AssertSubscriber<CompletionChunk> stream(CompletionRequest request) {
        return completions.stream(request).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
    }

    CompletionFailure failure(AssertSubscriber<CompletionChunk> subscriber) {
        subscriber.awaitFailure(WAIT);
        return assertInstanceOf(CompletionFailure.class, subscriber.getFailure());
    }

    static String text(List<CompletionChunk> chunks) {
        return chunks.stream().filter(chunk -> !chunk.last()).map(CompletionChunk::content)
                .reduce("", String::concat);
    }

    // ---- streaming

    @Test
    void chunksArriveInOrderThenOneLastItemWithFinishReasonAndUsage() {
        standIn.enqueue(Reply.text("Hel", "lo", " again", "!").every(Duration.ofMillis(20)).usage(31, 4));
        AssertSubscriber<CompletionChunk> subscriber = stream(request(provider("")));
        subscriber.awaitCompletion(WAIT);
        subscriber.assertItems(CompletionChunk.delta("Hel"), CompletionChunk.delta("lo"), CompletionChunk.delta(" again"),
                CompletionChunk.delta("!"), CompletionChunk.end("stop", new CompletionChunk.Usage(31, 4)));
        assertEquals(35, subscriber.getLastItem().usage().totalTokens());
    }

    @Test
    void theRequestCarriesModelSettingsConversationAndKey() {
        String key = "sk-test-" + UUID.randomUUID();
        stream(request(provider(key))).awaitCompletion(WAIT);
        StandInProvider.Recorded sent = standIn.lastRequest();
        assertEquals("POST", sent.method());
        assertEquals("/v1/chat/completions", sent.path());
        assertEquals(key, sent.bearer());
        assertThat(sent.headers().get("content-type"), containsString("application/json"));
        assertThat(sent.headers().get("accept"), is("text/event-stream"));
        assertEquals(MODEL, sent.model());
        assertEquals(0.3, sent.temperature());
        assertEquals(50, sent.maxTokens());
        assertTrue(sent.stream());
        assertTrue(sent.includeUsage());
        assertEquals("You are terse.", sent.systemPrompt());
        assertEquals(List.of(Map.of("role", "system", "content", "You are terse."),
                Map.of("role", "user", "content", "Hi"), Map.of("role", "assistant", "content", "Hello."),
                Map.of("role", "user", "content", "Say hello again")), sent.messages());
    }

    @Test
    void withoutKeyOrSettingsNothingIsSentForThem() {
        String provider = provider("");
        stream(new CompletionRequest(provider, MODEL, List.of(ChatTurn.user("Hi")), null, null)).awaitCompletion(WAIT);
        StandInProvider.Recorded sent = standIn.lastRequest();
        assertThat(sent.headers().get("authorization"), nullValue());
        assertThat(sent.body().containsKey("temperature"), is(false));
        assertThat(sent.body().containsKey("max_tokens"), is(false));
        assertThat(sent.systemPrompt(), nullValue());
    }

    @Test
    void eventsCutAnywhereWithCommentsAndCrlfAreReassembled() {
        standIn.enqueue(Reply.raw(
                ": keep-alive\r\n\r\nda", "ta: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"Grü\"},",
                "\"finish_reason\":null}]}\r", "\n\r\nevent: message\ndata: {\"choices\":[{\"delta\":{\"content\":\"ße ",
                "ok\"},\"finish_reason\":null}]}\n\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n",
                "\ndata: [DONE]\n\n").every(Duration.ofMillis(30)));
        AssertSubscriber<CompletionChunk> subscriber = stream(request(provider("")));
        subscriber.awaitCompletion(WAIT);
        assertEquals("Grüße ok", text(subscriber.getItems()));
        assertEquals(CompletionChunk.end("length", null), subscriber.getLastItem());
    }

    @Test
    void aStreamEndingWithAFinishReasonButNoDoneIsComplete() {
        standIn.enqueue(Reply.text("fine").withoutDone());
        AssertSubscriber<CompletionChunk> subscriber = stream(request(provider("")));
        subscriber.awaitCompletion(WAIT);
        subscriber.assertItems(CompletionChunk.delta("fine"), CompletionChunk.end("stop", null));
    }

    @Test
    void aProviderThatIgnoresStreamingIsReadWhole() {
        standIn.enqueue(Reply.json("all at once"));
        AssertSubscriber<CompletionChunk> subscriber = stream(request(provider("")));
        subscriber.awaitCompletion(WAIT);
        subscriber.assertItems(CompletionChunk.delta("all at once"), CompletionChunk.end("stop", null));
    }

    @Test
    void aSlowReaderIsNotMistakenForAStalledProvider() {
        standIn.enqueue(Reply.text("a", "b", "c", "d").usage(1, 4));
        AssertSubscriber<CompletionChunk> subscriber = completions.stream(request(provider(""))).subscribe()
                .withSubscriber(AssertSubscriber.create(1));
        subscriber.awaitItems(1, WAIT);
        sleep(IDLE.multipliedBy(2)); // asks for nothing for twice the idle timeout
        subscriber.assertNotTerminated();
        subscriber.request(Long.MAX_VALUE).awaitCompletion(WAIT);
        assertEquals("abcd", text(subscriber.getItems()));
    }

    @Test
    void agentRepliesStreamThroughThisClient() {
        String provider = provider("");
        standIn.enqueue(Reply.text("Sure", ".").usage(9, 2));
        AssertSubscriber<ReplyModel.Delta> subscriber = replyModel.stream(new ReplyModel.Request(provider, MODEL, 0.1,
                        64, "Be brief.", List.of(new ReplyModel.Turn(MessageRole.user, "Can you?"),
                        new ReplyModel.Turn(MessageRole.agent, "Maybe."), new ReplyModel.Turn(MessageRole.user, "Now?"))))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        subscriber.awaitCompletion(WAIT);
        subscriber.assertItems(new ReplyModel.Delta("Sure", null, null), new ReplyModel.Delta(".", null, null),
                new ReplyModel.Delta("", Map.of("promptTokens", 9, "completionTokens", 2, "totalTokens", 11), "stop"));
        assertEquals(List.of(Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Can you?"), Map.of("role", "assistant", "content", "Maybe."),
                Map.of("role", "user", "content", "Now?")), standIn.lastRequest().messages());
        assertEquals(64, standIn.lastRequest().maxTokens());
    }

    // ---- stop

    @Test
    void cancellingClosesTheUpstreamConnectionPromptly() {
        standIn.enqueue(Reply.text(IntStream.range(0, 200).mapToObj(i -> "w" + i + " ").toArray(String[]::new))
                .every(Duration.ofMillis(50)));
        AssertSubscriber<CompletionChunk> subscriber = stream(request(provider("")));
        subscriber.awaitItems(3, WAIT);
        long stopped = System.nanoTime();
        subscriber.cancel();
        StandInProvider.Disconnect disconnect = standIn.awaitDisconnect(Duration.ofSeconds(2));
        assertThat("the client closed the connection within 500 ms of the stop",
                (System.nanoTime() - stopped) / 1_000_000, lessThan(500L));
        assertThat(disconnect.partsSent(), lessThan(20));
        int sentAtStop = disconnect.partsSent();
        sleep(Duration.ofMillis(300));
        assertThat("nothing more was generated", standIn.disconnects().get(0).partsSent(), is(sentAtStop));
    }

    @Test
    void cancellingBeforeTheFirstTokenClosesTheUpstreamConnection() {
        standIn.enqueue(Reply.hang());
        AssertSubscriber<CompletionChunk> subscriber = stream(request(provider("")));
        standIn.awaitRequest(1, WAIT);
        subscriber.cancel();
        standIn.awaitDisconnect(Duration.ofSeconds(1));
    }

    // ---- failures

    @Test
    void anUnknownProviderIs422AndSendsNothing() {
        CompletionFailure failure = failure(stream(request("no-such-provider")));
        assertEquals(CompletionFailure.Kind.PROVIDER_UNKNOWN, failure.kind());
        assertEquals(422, failure.status());
        assertEquals("provider 'no-such-provider' is not in the catalogue", failure.getMessage());
        assertEquals(List.of(), standIn.requests());
    }

    @Test
    void aDisabledProviderIs422() {
        String provider = provider("");
        ProvidersTest.as(TestTokens.admin()).body(Map.of("enabled", false)).post("/api/providers/" + provider).then()
                .statusCode(200);
        CompletionFailure failure = failure(stream(request(provider)));
        assertEquals(CompletionFailure.Kind.PROVIDER_DISABLED, failure.kind());
        assertEquals(422, failure.status());
        assertEquals(List.of(), standIn.requests());
    }

    @Test
    void aModelOutsideTheCatalogueIs422() {
        String provider = provider("");
        CompletionFailure failure = failure(stream(new CompletionRequest(provider, "gpt-unknown",
                List.of(ChatTurn.user("Hi")), null, null)));
        assertEquals(CompletionFailure.Kind.MODEL_UNKNOWN, failure.kind());
        assertEquals(422, failure.status());
        assertThat(failure.getMessage(), containsString("'gpt-unknown'"));
    }

    @Test
    void anUnreachableProviderIs503WithRetryAfter() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String provider = "down-" + UUID.randomUUID().toString().substring(0, 8);
        ProvidersTest.as(TestTokens.admin()).body(Map.of("baseUrl", "http://127.0.0.1:" + closedPort + "/v1",
                "models", List.of(Map.of("name", MODEL)))).post("/api/providers/" + provider).then().statusCode(201);
        CompletionFailure failure = failure(stream(request(provider)));
        assertEquals(CompletionFailure.Kind.PROVIDER_UNREACHABLE, failure.kind());
        assertEquals("provider '" + provider + "' is unreachable: connection refused", failure.getMessage());
        assertEquals(503, failure.status());
        assertEquals("7", failure.headers().get("Retry-After"));
        Problem problem = failure.problem("/api/agents/chat");
        assertEquals("https://agentyard.io/problems/provider-unreachable", problem.type().toString());
        assertEquals(503, problem.status());
    }

    @Test
    void noFirstTokenInTimeIs504WithinItsBoundAndClosesTheConnection() {
        standIn.enqueue(Reply.hang());
        long started = System.nanoTime();
        CompletionFailure failure = failure(stream(request(provider(""))));
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        assertEquals(CompletionFailure.Kind.FIRST_TOKEN_TIMEOUT, failure.kind());
        assertEquals(504, failure.status());
        assertThat(failure.getMessage(), containsString("sent no token within 2 s"));
        assertThat(elapsed, allOf(greaterThanOrEqualTo(FIRST_TOKEN.toMillis() - 50), lessThan(FIRST_TOKEN.toMillis() + 1500)));
        standIn.awaitDisconnect(Duration.ofSeconds(1));
    }

    @Test
    void headersWithoutTokensCountAsNoFirstToken() {
        standIn.enqueue(Reply.text("late").firstAfter(Duration.ofSeconds(10)));
        CompletionFailure failure = failure(stream(request(provider(""))));
        assertEquals(CompletionFailure.Kind.FIRST_TOKEN_TIMEOUT, failure.kind());
    }

    @Test
    void aStallBetweenChunksIs504WithinItsBound() {
        standIn.enqueue(Reply.text("a", "b").finish(null).withoutDone().thenHang());
        AssertSubscriber<CompletionChunk> subscriber = stream(request(provider("")));
        subscriber.awaitItems(2, WAIT);
        long lastChunk = System.nanoTime();
        CompletionFailure failure = failure(subscriber);
        long elapsed = (System.nanoTime() - lastChunk) / 1_000_000;
        assertEquals(CompletionFailure.Kind.PROVIDER_STALLED, failure.kind());
        assertEquals(504, failure.status());
        assertThat(failure.getMessage(), containsString("stalled: nothing received for 1 s"));
        assertThat(elapsed, lessThan(IDLE.toMillis() + 1500));
        assertEquals("ab", text(subscriber.getItems()));
        standIn.awaitDisconnect(Duration.ofSeconds(1));
    }

    @Test
    void aFinishedReplyWhoseDoneNeverComesEndsAfterTheIdleTime() {
        standIn.enqueue(Reply.text("done").withoutDone().thenHang());
        AssertSubscriber<CompletionChunk> subscriber = stream(request(provider("")));
        subscriber.awaitCompletion(WAIT);
        subscriber.assertItems(CompletionChunk.delta("done"), CompletionChunk.end("stop", null));
        standIn.awaitDisconnect(Duration.ofSeconds(1));
    }

    @Test
    void aRefusedKeyIs502NamingTheProviderNeverTheKey() {
        String key = "sk-wrong-" + UUID.randomUUID();
        standIn.requireKey("sk-right");
        CompletionFailure failure = failure(stream(request(provider(key))));
        assertEquals(CompletionFailure.Kind.KEY_REFUSED, failure.kind());
        assertEquals(502, failure.status());
        assertEquals(401, failure.upstreamStatus());
        assertThat(failure.getMessage(), containsString("refused the API key (HTTP 401)"));
        assertThat(failure.getMessage() + failure.problem("/x") + failure, not(containsString(key)));
        assertThat("the stand-in echoed the key it was given", standIn.lastRequest().bearer(), is(key));
    }

    @Test
    void aRefusalWithoutKeySaysNoneIsConfigured() {
        standIn.requireKey("sk-right");
        CompletionFailure failure = failure(stream(request(provider(""))));
        assertEquals(CompletionFailure.Kind.KEY_REFUSED, failure.kind());
        assertThat(failure.getMessage(), containsString("no API key is configured"));
    }

    @Test
    void anUpstreamErrorIs502WithTheProvidersMessage() {
        standIn.enqueue(Reply.error(500, "The server had an error while processing your request."));
        CompletionFailure failure = failure(stream(request(provider(""))));
        assertEquals(CompletionFailure.Kind.PROVIDER_ERROR, failure.kind());
        assertEquals(502, failure.status());
        assertEquals(500, failure.upstreamStatus());
        assertThat(failure.getMessage(), is("provider '" + failure.provider()
                + "' answered HTTP 500: The server had an error while processing your request."));
    }

    @Test
    void anUpstreamMessageEchoingTheKeyIsScrubbed() {
        String key = "sk-echo-" + UUID.randomUUID();
        standIn.enqueue(Reply.error(400, "bad request from key " + key));
        CompletionFailure failure = failure(stream(request(provider(key))));
        assertEquals(502, failure.status());
        assertThat(failure.getMessage(), allOf(containsString("bad request from key ***"), not(containsString(key))));
    }

    @Test
    void otherErrorBodyShapesAreRead() {
        standIn.enqueue(Reply.status(404, "{\"error\":\"model 'm1' not found, try pulling it first\"}"),
                Reply.status(400, "{\"object\":\"error\",\"message\":\"max_tokens is too large\",\"code\":400}"),
                Reply.status(502, "<html>bad gateway</html>"));
        String provider = provider("");
        assertThat(failure(stream(request(provider))).getMessage(), containsString("HTTP 404: model 'm1' not found"));
        assertThat(failure(stream(request(provider))).getMessage(), containsString("HTTP 400: max_tokens is too large"));
        assertThat(failure(stream(request(provider))).getMessage(), is("provider '" + provider + "' answered HTTP 502"));
    }

    @Test
    void rateLimitingIs503WithRetryAfter() {
        standIn.enqueue(Reply.error(429, "Rate limit reached"));
        CompletionFailure failure = failure(stream(request(provider(""))));
        assertEquals(CompletionFailure.Kind.PROVIDER_RATE_LIMITED, failure.kind());
        assertEquals(503, failure.status());
        assertEquals("7", failure.headers().get("Retry-After"));
    }

    @Test
    void anErrorInTheMiddleOfTheStreamIs502() {
        standIn.enqueue(Reply.raw("data: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\n\n",
                "data: {\"error\":{\"message\":\"the model crashed\",\"type\":\"server_error\"}}\n\n"));
        AssertSubscriber<CompletionChunk> subscriber = stream(request(provider("")));
        CompletionFailure failure = failure(subscriber);
        assertEquals(CompletionFailure.Kind.PROVIDER_ERROR, failure.kind());
        assertThat(failure.getMessage(), containsString("the model crashed"));
        assertEquals("par", text(subscriber.getItems()));
    }

    @Test
    void aStreamBrokenOffBeforeFinishingIs502() {
        standIn.enqueue(Reply.text("half").finish(null).withoutDone());
        CompletionFailure failure = failure(stream(request(provider(""))));
        assertEquals(CompletionFailure.Kind.PROVIDER_ERROR, failure.kind());
        assertThat(failure.getMessage(), containsString("ended the stream before finishing"));
    }

    @Test
    void anUnreadableChunkIs502() {
        standIn.enqueue(Reply.raw("data: {not json\n\n"));
        CompletionFailure failure = failure(stream(request(provider(""))));
        assertEquals(CompletionFailure.Kind.PROVIDER_ERROR, failure.kind());
        assertThat(failure.getMessage(), containsString("sent an unreadable chunk"));
    }

    @Test
    void keysNeverAppearInTheLogOrInFailures() {
        String key = "sk-secret-" + UUID.randomUUID();
        try (CapturedLog log = CapturedLog.start()) {
            String provider = provider(key);
            standIn.enqueue(Reply.error(500, "upstream echoes " + key), Reply.hang(), Reply.text("ok"));
            List<Throwable> failures = new ArrayList<>();
            failures.add(failure(stream(request(provider))));
            failures.add(failure(stream(request(provider))));
            stream(request(provider)).awaitCompletion(WAIT);
            standIn.requireKey("sk-other");
            failures.add(failure(stream(request(provider))));
            for (Throwable failure : failures) {
                assertThat(failure.getMessage() + failure, not(containsString(key)));
            }
            assertThat("the log was captured", log.text(), containsString(provider));
            assertThat(log.text(), not(containsString(key)));
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Everything logged in this JVM while it is open (from DEBUG up for io.agentyard.chat), as text
     * with the messages of attached exceptions, for a test to search.
     */
    static final class CapturedLog extends Handler implements AutoCloseable {

        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final java.util.logging.Logger chat = java.util.logging.Logger.getLogger("io.agentyard.chat");
        private final Level chatLevel = chat.getLevel();

        static CapturedLog start() {
            CapturedLog log = new CapturedLog();
            log.setLevel(Level.ALL);
            log.chat.setLevel(Level.FINE);
            java.util.logging.Logger.getLogger("").addHandler(log);
            return log;
        }

        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(record.getLoggerName()).append(": ");
            line.append(record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                    : record.getMessage());
            for (Throwable t = record.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }

        String text() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            java.util.logging.Logger.getLogger("").removeHandler(this);
            chat.setLevel(chatLevel);
        }
    }
}
