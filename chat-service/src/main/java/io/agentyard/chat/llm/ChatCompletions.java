package io.agentyard.chat.llm;

import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.chat.provider.ProviderCatalogue;
import io.agentyard.chat.provider.ProviderEndpoint;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * The client of OpenAI-compatible chat-completions endpoints (Ollama, vLLM, hosted providers): streams
 * a model's reply token by token from a provider of the catalogue.
 * <p>
 * Built on the Vert.x HTTP client rather than the REST client: the provider and its URL are chosen
 * per call from the catalogue, the body is read as it arrives (SSE parsed here, pieces cut
 * anywhere), the first-token and idle deadlines are timers of our own (a REST client timeout bounds
 * the whole call, not the silences within it), and cancelling resets the request, which closes the
 * HTTP/1.1 connection at once so the provider stops generating.
 */
@ApplicationScoped
public class ChatCompletions {

    private final Vertx vertx;
    private final ProviderCatalogue catalogue;
    private final LlmConfig config;
    private final HttpClient client;

    ChatCompletions(Vertx vertx, ProviderCatalogue catalogue, LlmConfig config) {
        this.vertx = vertx;
        this.catalogue = catalogue;
        this.config = config;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setName("chat-completions")
                        .setConnectTimeout((int) config.connectTimeout().toMillis())
                        .setKeepAlive(true)
                        .setVerifyHost(true)
                        .setForceSni(true),
                new PoolOptions().setHttp1MaxSize(config.maxConnectionsPerHost()));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Streams the reply to {@code request}: its text in pieces as the model generates them, then one
     * last item with the finish reason and token usage ({@link CompletionChunk}). Nothing is sent
     * before subscription; each subscription is one call.
     * <p>
     * Cancelling the subscription (a user's stop) closes the connection to the provider at once.
     * The stream fails with a {@link CompletionFailure}, a {@code ProblemException} whose message can
     * be stored as the conversation's error: the provider or model is not in the catalogue or is
     * disabled (422), the provider is unreachable or rate limiting (503 with Retry-After), sent no
     * token in time or stalled (504), refused the key (502), answered an error or broke off the
     * stream (502). It may be subscribed from any thread; items arrive on a Vert.x event loop, so
     * their subscriber must not block.
     */
    public Multi<CompletionChunk> stream(CompletionRequest request) {
        return stream(request, false);
    }

    /**
     * A tiny completion of {@code model} through the same client ({@code POST /api/models/test}):
     * works for a disabled provider too, so a provider can be tried before it is enabled. Fails
     * only when the catalogue lacks the provider or model (422); the provider's failures are in the
     * result.
     */
    public Uni<ProbeResult> probe(String provider, String model) {
        CompletionRequest request = new CompletionRequest(provider, model,
                List.of(ChatTurn.user(config.probe().prompt())), 0.0, config.probe().maxTokens());
        long started = System.nanoTime();
        StringBuilder reply = new StringBuilder();
        Long[] firstToken = {null};
        String[] finish = {null};
        return stream(request, true)
                .invoke(chunk -> {
                    if (!chunk.last()) {
                        if (firstToken[0] == null) {
                            firstToken[0] = millisSince(started);
                        }
                        reply.append(chunk.content());
                    } else {
                        finish[0] = chunk.finishReason();
                    }
                })
                .collect().last()
                .map(last -> new ProbeResult(true, millisSince(started), firstToken[0], reply.toString(), finish[0],
                        null, null))
                .onFailure(failure -> failure instanceof CompletionFailure f && !f.kind().isCatalogue())
                .recoverWithItem(failure -> new ProbeResult(false, millisSince(started), firstToken[0], null, null,
                        failure.getMessage(), ((CompletionFailure) failure).kind().slug()));
    }

    private Multi<CompletionChunk> stream(CompletionRequest request, boolean evenIfDisabled) {
        return Multi.createFrom().<CompletionChunk>emitter(emitter -> {
            Context context = vertx.getOrCreateContext();
            CompletionCall call = new CompletionCall(vertx, context, client, config, emitter, request);
            emitter.onCancellation(call::cancelled);
            emitter.onRequest(n -> call.requested());
            catalogue.endpoint(request.provider(), request.model()).subscribe().with(
                    endpoint -> {
                        CompletionFailure refused = refusal(request, endpoint, evenIfDisabled);
                        if (refused != null) {
                            call.failed(refused);
                        } else {
                            call.start(endpoint);
                        }
                    },
                    call::failed);
        }, BackPressureStrategy.BUFFER);
    }

    private static CompletionFailure refusal(CompletionRequest request, ProviderEndpoint endpoint,
                                             boolean evenIfDisabled) {
        if (endpoint == null) {
            return CompletionFailure.providerUnknown(request.provider());
        }
        if (!endpoint.enabled() && !evenIfDisabled) {
            return CompletionFailure.providerDisabled(request.provider());
        }
        if (!endpoint.modelListed()) {
            return CompletionFailure.modelUnknown(request.provider(), request.model());
        }
        return null;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
