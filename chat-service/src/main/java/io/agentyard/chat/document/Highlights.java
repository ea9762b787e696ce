package io.agentyard.chat.document;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Turns ts_headline's output into safe HTML. PostgreSQL marks each match with start and stop
 * markers made for this one search (random, so no document can contain them); the text is then
 * HTML-escaped and only the markers become {@code <mark>} and {@code </mark>}. So a snippet can be
 * shown as HTML whatever the markdown holds.
 */
final class Highlights {

    static final String START = "<mark>";
    static final String STOP = "</mark>";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String startMarker;
    private final String stopMarker;

    private Highlights(String nonce) {
        this.startMarker = "hlstart" + nonce;
        this.stopMarker = "hlstop" + nonce;
    }

    static Highlights fresh() {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        return new Highlights(HexFormat.of().formatHex(nonce));
    }

    String startMarker() {
        return startMarker;
    }

    String stopMarker() {
        return stopMarker;
    }

    /** ts_headline output as HTML: escaped, with the markers as {@code <mark>} tags. */
    String toHtml(String headline) {
        if (headline == null) {
            return null;
        }
        StringBuilder html = new StringBuilder(headline.length() + 32);
        for (int i = 0; i < headline.length(); i++) {
            char c = headline.charAt(i);
            switch (c) {
                case '&' -> html.append("&amp;");
                case '<' -> html.append("&lt;");
                case '>' -> html.append("&gt;");
                case '"' -> html.append("&quot;");
                case '\'' -> html.append("&#39;");
                default -> html.append(c);
            }
        }
        return html.toString().replace(startMarker, START).replace(stopMarker, STOP);
    }
}
