package io.agentyard.chat.document;

import java.util.regex.Matcher;

import io.agentyard.shared.problem.ProblemException;

/**
 * The version an update is made from: the body's {@code version} or the {@code If-Match} header
 * (the document's ETag, {@code "3"}). One of them is required (428 without); when both are given
 * they must agree (400).
 */
public record Precondition(int version, boolean fromIfMatch) {

    private static final java.util.regex.Pattern STRONG_ETAG = java.util.regex.Pattern.compile("^\"([1-9][0-9]{0,9})\"$");

    /** The ETag of a document's {@code version}: strong, the version number quoted. */
    public static String etag(int version) {
        return "\"" + version + "\"";
    }

    public static Precondition of(Integer bodyVersion, String ifMatch) {
        if (ifMatch != null && !ifMatch.isBlank()) {
            int tagged = parse(ifMatch.strip());
            if (bodyVersion != null && bodyVersion != tagged) {
                throw ProblemException.invalidField("version", "names version " + bodyVersion
                        + " but If-Match names version " + tagged);
            }
            return new Precondition(tagged, true);
        }
        if (bodyVersion != null) {
            return new Precondition(bodyVersion, false);
        }
        throw new ProblemException(428, "precondition-required", "Precondition required",
                "an update must name the version it changes: a \"version\" field in the body, or the document's"
                        + " ETag in an If-Match header (If-Match: \"3\")");
    }

    private static int parse(String ifMatch) {
        Matcher strong = STRONG_ETAG.matcher(ifMatch);
        if (!strong.matches()) {
            throw ProblemException.invalidField("If-Match", "must be one document ETag as GET answers it, e.g. \"3\""
                    + " (no weak W/ tags, no *, no lists)");
        }
        try {
            return Integer.parseInt(strong.group(1));
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("If-Match", "names no version this API gave out");
        }
    }
}
