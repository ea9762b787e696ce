package io.agentyard.chat.llm;

import java.time.Duration;

import io.agentyard.shared.problem.ProblemException;

/**
 * Why a completion failed, as a problem the caller can answer with ({@code throw} it, or let the
 * stream's failure end the request) and a message it can store in the conversation
 * ({@link #getMessage()}: one sentence naming the provider and what went wrong, safe to show: it
 * never holds the API key, the base URL or a stack trace).
 * <p>
 * The catalogue kinds ({@link Kind#isCatalogue()}) mean the request named something that cannot be
 * used and retrying will not help; the others are the provider's failures.
 */
public final class CompletionFailure extends ProblemException {

    public enum Kind {
        /** 422: no provider of that name in the catalogue. */
        PROVIDER_UNKNOWN(422, "provider-unknown", "Unknown provider"),
        /** 422: the provider is disabled in the catalogue. */
        PROVIDER_DISABLED(422, "provider-disabled", "Provider disabled"),
        /** 422: the model is not one of the provider's catalogued models. */
        MODEL_UNKNOWN(422, "model-unknown", "Unknown model"),
        /** 503 with Retry-After: connection refused, unknown host, connect or TLS failure, closed before answering. */
        PROVIDER_UNREACHABLE(503, "provider-unreachable", "Provider unreachable"),
        /** 503 with Retry-After: the provider answered 429. */
        PROVIDER_RATE_LIMITED(503, "provider-rate-limited", "Provider rate limited"),
        /** 504: no token within {@code agentyard.chat.llm.first-token-timeout}. */
        FIRST_TOKEN_TIMEOUT(504, "provider-timeout", "Provider timed out"),
        /** 504: the stream stalled longer than {@code agentyard.chat.llm.idle-timeout}. */
        PROVIDER_STALLED(504, "provider-timeout", "Provider timed out"),
        /** 502: the provider answered 401 or 403 (refused the key, or wants one). */
        KEY_REFUSED(502, "provider-refused-key", "Provider refused the key"),
        /** 502: the provider answered another error, broke off the stream, or sent something unreadable. */
        PROVIDER_ERROR(502, "provider-error", "Provider error");

        private final int status;
        private final String slug;
        private final String title;

        Kind(int status, String slug, String title) {
            this.status = status;
            this.slug = slug;
            this.title = title;
        }

        public int status() {
            return status;
        }

        /** The last segment of the problem type URI, e.g. {@code provider-unreachable}. */
        public String slug() {
            return slug;
        }

        /** Whether the request named a provider or model the catalogue cannot serve (not the provider's fault). */
        public boolean isCatalogue() {
            return this == PROVIDER_UNKNOWN || this == PROVIDER_DISABLED || this == MODEL_UNKNOWN;
        }
    }

    private final Kind kind;
    private final String provider;
    private final Integer upstreamStatus;

    private CompletionFailure(Kind kind, String provider, String message, Integer upstreamStatus, Duration retryAfter) {
        super(kind.status, kind.slug, kind.title, message, null, retryAfter);
        this.kind = kind;
        this.provider = provider;
        this.upstreamStatus = upstreamStatus;
    }

    public Kind kind() {
        return kind;
    }

    /** The provider named by the request. */
    public String provider() {
        return provider;
    }

    /** The HTTP status the provider answered, when it answered one. */
    public Integer upstreamStatus() {
        return upstreamStatus;
    }

    @Override
    public String toString() {
        return "CompletionFailure[" + kind + ", " + getMessage() + "]";
    }

    // ---- the failures, one factory each

    public static CompletionFailure providerUnknown(String provider) {
        return new CompletionFailure(Kind.PROVIDER_UNKNOWN, provider,
                "provider '" + provider + "' is not in the catalogue", null, null);
    }

    public static CompletionFailure providerDisabled(String provider) {
        return new CompletionFailure(Kind.PROVIDER_DISABLED, provider, "provider '" + provider + "' is disabled",
                null, null);
    }

    public static CompletionFailure modelUnknown(String provider, String model) {
        return new CompletionFailure(Kind.MODEL_UNKNOWN, provider,
                "model '" + model + "' is not in provider '" + provider + "''s catalogue", null, null);
    }

    /** {@code reason}: what failed, in words of our own (connection refused, unknown host...). */
    public static CompletionFailure unreachable(String provider, String reason, Duration retryAfter) {
        return new CompletionFailure(Kind.PROVIDER_UNREACHABLE, provider,
                "provider '" + provider + "' is unreachable: " + reason, null, retryAfter);
    }

    public static CompletionFailure rateLimited(String provider, String upstreamMessage, Duration retryAfter) {
        return new CompletionFailure(Kind.PROVIDER_RATE_LIMITED, provider,
                "provider '" + provider + "' is rate limiting requests (HTTP 429)" + suffix(upstreamMessage), 429,
                retryAfter);
    }

    public static CompletionFailure firstTokenTimeout(String provider, Duration waited) {
        return new CompletionFailure(Kind.FIRST_TOKEN_TIMEOUT, provider,
                "provider '" + provider + "' sent no token within " + seconds(waited), null, null);
    }

    public static CompletionFailure stalled(String provider, Duration waited) {
        return new CompletionFailure(Kind.PROVIDER_STALLED, provider,
                "provider '" + provider + "' stalled: nothing received for " + seconds(waited), null, null);
    }

    public static CompletionFailure keyRefused(String provider, int status, boolean keyConfigured) {
        return new CompletionFailure(Kind.KEY_REFUSED, provider, keyConfigured
                ? "provider '" + provider + "' refused the API key (HTTP " + status + ")"
                : "provider '" + provider + "' refused the request (HTTP " + status + "): no API key is configured",
                status, null);
    }

    /** The provider answered {@code status} (or 200 and then an error) with {@code upstreamMessage} (may be null). */
    public static CompletionFailure upstreamError(String provider, int status, String upstreamMessage) {
        return new CompletionFailure(Kind.PROVIDER_ERROR, provider,
                "provider '" + provider + "' answered HTTP " + status + suffix(upstreamMessage), status, null);
    }

    /** The provider broke the protocol: {@code what} happened (ended early, unreadable chunk...). */
    public static CompletionFailure brokenStream(String provider, String what) {
        return new CompletionFailure(Kind.PROVIDER_ERROR, provider, "provider '" + provider + "' " + what, null,
                null);
    }

    private static String suffix(String upstreamMessage) {
        return upstreamMessage == null || upstreamMessage.isBlank() ? "" : ": " + upstreamMessage;
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
