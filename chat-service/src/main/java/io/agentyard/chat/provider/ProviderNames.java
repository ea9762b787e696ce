package io.agentyard.chat.provider;

import java.util.Optional;
import java.util.regex.Pattern;

/** What a provider name and a base URL may look like, for the API's validation and for seeding alike. */
public final class ProviderNames {

    /** Lower case letters, digits, '.', '_' and '-', starting with a letter or digit: it appears in model ids and URLs. */
    public static final String NAME = "^[a-z0-9][a-z0-9._-]{0,63}$";
    public static final String NAME_RULE = "must be 1 to 64 lower-case letters, digits, '.', '_' or '-'";

    /**
     * {@code http://} or {@code https://}, a host (and port), an optional path; no credentials (keys go in
     * {@code apiKey}), query or fragment.
     */
    public static final String BASE_URL = "^https?://[^\\s/?#@]+(/[^\\s?#]*)?$";
    public static final String BASE_URL_RULE = "must be an http or https URL without credentials, query or fragment";
    public static final int BASE_URL_MAX = 2000;

    private static final Pattern NAME_PATTERN = Pattern.compile(NAME);
    private static final Pattern BASE_URL_PATTERN = Pattern.compile(BASE_URL);

    private ProviderNames() {
    }

    /** What is wrong with {@code baseUrl}, if anything. */
    public static Optional<String> checkBaseUrl(String baseUrl) {
        if (baseUrl == null || baseUrl.length() > BASE_URL_MAX || !BASE_URL_PATTERN.matcher(baseUrl).matches()) {
            return Optional.of(BASE_URL_RULE);
        }
        return Optional.empty();
    }

    public static boolean validName(String name) {
        return name != null && NAME_PATTERN.matcher(name).matches();
    }

    /** The base URL as stored: without trailing slashes, so {@code + "/chat/completions"} is right. */
    public static String normalizeBaseUrl(String baseUrl) {
        String url = baseUrl.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }
}
