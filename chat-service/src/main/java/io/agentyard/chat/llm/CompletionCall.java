package io.agentyard.chat.llm;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLException;

import org.jboss.logging.Logger;

import io.agentyard.chat.provider.ProviderEndpoint;
import io.netty.channel.ConnectTimeoutException;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * One streamed completion: sends the request, reads the event stream into chunks for the emitter,
 * watches the first-token and idle deadlines, and closes the connection whenever the call ends
 * before the provider finished (the subscriber cancelled, a deadline passed, a failure), so the
 * provider stops generating.
 * <p>
 * Every state change runs on one Vert.x context ({@link #context}): the HTTP client's callbacks and
 * timers are dispatched there, and cancellation and demand, which come from the subscriber's
 * thread, are sent there. So the fields need no locks.
 */
final class CompletionCall {

    private static final Logger LOG = Logger.getLogger(CompletionCall.class);

    /** Most bytes of an error answer read (the rest is dropped). */
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    /** Most bytes of a non-streamed (application/json) answer. */
    private static final int MAX_JSON_BODY_BYTES = 4 * 1024 * 1024;

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final LlmConfig config;
    private final MultiEmitter<? super CompletionChunk> emitter;
    private final CompletionRequest completion;

    private ProviderEndpoint endpoint;
    private HttpClientRequest request;
    private HttpClientResponse response;
    private final ServerSentEvents events = new ServerSentEvents();

    /** Ended for us: the emitter is terminated (or cancelled); nothing more is emitted. */
    private boolean over;
    private boolean responseEnded;
    private boolean tokenSeen;
    private boolean paused;
    private long timer = -1;
    private String finishReason;
    private CompletionChunk.Usage usage;

    CompletionCall(Vertx vertx, Context context, HttpClient client, LlmConfig config,
                   MultiEmitter<? super CompletionChunk> emitter, CompletionRequest completion) {
        this.vertx = vertx;
        this.context = context;
        this.client = client;
        this.config = config;
        this.emitter = emitter;
        this.completion = completion;
    }

    // ---- from the subscriber (any thread)

    void cancelled() {
        context.runOnContext(v -> {
            if (!over) {
                LOG.debugf("completion from provider '%s' cancelled by its subscriber", completion.provider());
                over = true;
                cancelTimer();
                abort();
            }
        });
    }

    void requested() {
        context.runOnContext(v -> {
            if (paused && !over && emitter.requested() > 0) {
                paused = false;
                response.resume();
                armIdle();
            }
        });
    }

    /** The catalogue refused the request, or could not be read. */
    void failed(Throwable failure) {
        context.runOnContext(v -> fail(failure));
    }

    // ---- on the context

    void start(ProviderEndpoint resolved) {
        context.runOnContext(v -> send(resolved));
    }

    private void send(ProviderEndpoint resolved) {
        if (over) {
            return;
        }
        endpoint = resolved;
        arm(config.firstTokenTimeout(), () -> fail(CompletionFailure.firstTokenTimeout(provider(),
                config.firstTokenTimeout())));
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(endpoint.completionsUrl())
                .setConnectTimeout(config.connectTimeout().toMillis())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, "text/event-stream");
        if (endpoint.hasKey()) {
            options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + endpoint.apiKey());
        }
        Buffer body = OpenAiProtocol.requestBody(completion, true, config.includeUsage());
        LOG.debugf("streaming a completion of model '%s' from provider '%s'", completion.model(), provider());
        client.request(options).onComplete(opened -> {
            if (opened.succeeded()) {
                request = opened.result();
            }
            if (over) {
                abort();
            } else if (opened.failed()) {
                fail(unreachable(opened.cause()));
            } else {
                request.send(body).onComplete(answered -> {
                    if (over) {
                        abort();
                    } else if (answered.failed()) {
                        fail(unreachable(answered.cause()));
                    } else {
                        receive(answered.result());
                    }
                });
            }
        });
    }

    private void receive(HttpClientResponse answer) {
        response = answer;
        int status = answer.statusCode();
        answer.exceptionHandler(e -> fail(CompletionFailure.brokenStream(provider(),
                "broke off the stream (" + describe(e) + ")")));
        if (status / 100 != 2) {
            readWhole(answer, MAX_ERROR_BODY_BYTES, body -> fail(refusal(status, answer, body)));
            return;
        }
        String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            // A provider that ignores "stream": the whole answer at once.
            readWhole(answer, MAX_JSON_BODY_BYTES, this::wholeAnswer);
            return;
        }
        answer.handler(this::data);
        answer.endHandler(v -> ended());
    }

    private void data(Buffer bytes) {
        if (over) {
            return;
        }
        if (tokenSeen) {
            armIdle();
        }
        List<String> complete;
        try {
            complete = events.feed(bytes.getBytes());
        } catch (ServerSentEvents.TooLong e) {
            fail(CompletionFailure.brokenStream(provider(), "sent an unreadable stream (" + e.getMessage() + ")"));
            return;
        }
        for (String event : complete) {
            if (over) {
                return;
            }
            event(event);
        }
        if (!over && tokenSeen && emitter.requested() <= 0) {
            // Nothing asked for: stop reading (TCP back-pressure reaches the provider) and stop the idle clock.
            paused = true;
            response.pause();
            cancelTimer();
        }
    }

    private void event(String data) {
        if (OpenAiProtocol.DONE.equals(data.strip())) {
            finish();
            return;
        }
        OpenAiProtocol.Chunk chunk;
        try {
            chunk = OpenAiProtocol.chunk(data, false);
        } catch (RuntimeException e) {
            fail(CompletionFailure.brokenStream(provider(), "sent an unreadable chunk"));
            return;
        }
        take(chunk);
    }

    private void take(OpenAiProtocol.Chunk chunk) {
        if (chunk.error() != null) {
            fail(CompletionFailure.upstreamError(provider(), response.statusCode(),
                    OpenAiProtocol.safe(chunk.error(), endpoint.apiKey())));
            return;
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.content() != null && !chunk.content().isEmpty()) {
            tokenArrived();
            emitter.emit(CompletionChunk.delta(chunk.content()));
        }
        if (chunk.finishReason() != null) {
            finishReason = chunk.finishReason();
            tokenArrived();
        }
    }

    private void tokenArrived() {
        if (!tokenSeen) {
            tokenSeen = true;
            armIdle();
        }
    }

    private void ended() {
        responseEnded = true;
        if (over) {
            return;
        }
        List<String> rest = events.finish();
        for (String event : rest) {
            if (over) {
                return;
            }
            event(event);
        }
        if (over) {
            return;
        }
        if (finishReason != null) {
            finish(); // some servers end without [DONE]
        } else {
            fail(CompletionFailure.brokenStream(provider(), "ended the stream before finishing"));
        }
    }

    private void wholeAnswer(Buffer body) {
        OpenAiProtocol.Chunk chunk;
        try {
            chunk = OpenAiProtocol.chunk(body.toString(), true);
        } catch (RuntimeException e) {
            fail(CompletionFailure.brokenStream(provider(), "sent an unreadable answer"));
            return;
        }
        take(chunk);
        if (!over) {
            finish();
        }
    }

    private void finish() {
        if (over) {
            return;
        }
        over = true;
        cancelTimer();
        if (paused) {
            response.resume();
        }
        if (!responseEnded && response != null) {
            // [DONE] came; the end of the response should follow at once. If it does not, drop the connection.
            long drain = vertx.setTimer(config.idleTimeout().toMillis(), id -> abort());
            response.endHandler(v -> {
                responseEnded = true;
                vertx.cancelTimer(drain);
            });
            response.handler(bytes -> {
            });
        }
        emitter.emit(CompletionChunk.end(finishReason, usage));
        emitter.complete();
    }

    private void fail(Throwable failure) {
        if (over) {
            return;
        }
        over = true;
        cancelTimer();
        abort();
        if (failure instanceof CompletionFailure completionFailure) {
            LOG.infof("completion of model '%s' failed: %s", completion.model(), completionFailure.getMessage());
        }
        emitter.fail(failure);
    }

    /** Closes the connection if the provider is still sending (HTTP/1.x: a reset closes it). */
    private void abort() {
        if (request != null && !responseEnded) {
            request.reset();
        }
    }

    // ---- deadlines

    private void armIdle() {
        arm(config.idleTimeout(), () -> {
            if (finishReason != null) {
                finish(); // it said it finished; only [DONE] is missing
                abort();
            } else {
                fail(CompletionFailure.stalled(provider(), config.idleTimeout()));
            }
        });
    }

    private void arm(Duration after, Runnable expired) {
        cancelTimer();
        long id = vertx.setTimer(Math.max(1, after.toMillis()), fired -> {
            if (timer == fired) {
                timer = -1;
                expired.run();
            }
        });
        timer = id;
    }

    private void cancelTimer() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    // ---- failures

    private CompletionFailure refusal(int status, HttpClientResponse answer, Buffer body) {
        String message = OpenAiProtocol.safe(OpenAiProtocol.errorMessage(body.toString()), endpoint.apiKey());
        if (status == 401 || status == 403) {
            return CompletionFailure.keyRefused(provider(), status, endpoint.hasKey());
        }
        if (status == 429) {
            return CompletionFailure.rateLimited(provider(), message, retryAfter(answer));
        }
        return CompletionFailure.upstreamError(provider(), status, message);
    }

    private Duration retryAfter(HttpClientResponse answer) {
        String header = answer.getHeader("Retry-After");
        if (header != null) {
            try {
                return Duration.ofSeconds(Math.max(1, Long.parseLong(header.strip())));
            } catch (NumberFormatException e) {
                // an HTTP date: use our own
            }
        }
        return config.retryAfter();
    }

    private CompletionFailure unreachable(Throwable cause) {
        LOG.debugf("provider '%s' unreachable: %s", provider(), cause.getClass().getName());
        return CompletionFailure.unreachable(provider(), describe(cause), config.retryAfter());
    }

    /** Our own words for a transport failure: exception messages may carry addresses or worse. */
    private static String describe(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectTimeoutException) {
                return "connecting timed out";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SSLException) {
                return "TLS handshake failed";
            }
            if (t instanceof HttpClosedException) {
                return "connection closed";
            }
        }
        return "connection failed";
    }

    private String provider() {
        return completion.provider();
    }

    /** Reads a whole body up to {@code limit} bytes (the rest is dropped), then hands it over. */
    private void readWhole(HttpClientResponse answer, int limit, java.util.function.Consumer<Buffer> then) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        answer.handler(piece -> {
            int room = limit - bytes.size();
            if (room > 0) {
                bytes.write(piece.getBytes(), 0, Math.min(room, piece.length()));
            }
        });
        answer.endHandler(v -> {
            responseEnded = true;
            if (!over) {
                then.accept(Buffer.buffer(bytes.toByteArray()));
            }
        });
    }
}
