package io.agentyard.chat.document;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.agentyard.shared.problem.ProblemException;

/**
 * Tags as they are stored and filtered on: trimmed, lower case, each once (first occurrence
 * kept), 1 to {@value #MAX_LENGTH} characters, without commas (a filter may list tags separated by
 * commas) or control characters.
 */
public final class DocumentTags {

    public static final int MAX_LENGTH = 50;

    private DocumentTags() {
    }

    /** The normalised tags; a bad tag is a 400 naming {@code field} and the tag's position. */
    public static String[] normalize(List<String> tags, int maxTags, String field) {
        if (tags == null) {
            return new String[0];
        }
        Set<String> normalized = new LinkedHashSet<>();
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            String at = field + "[" + i + "]";
            if (tag == null || tag.isBlank()) {
                throw ProblemException.invalidField(at, "must not be blank");
            }
            String clean = tag.strip().toLowerCase(Locale.ROOT);
            if (clean.length() > MAX_LENGTH) {
                throw ProblemException.invalidField(at, "must be at most " + MAX_LENGTH + " characters");
            }
            if (clean.indexOf(',') >= 0 || clean.chars().anyMatch(Character::isISOControl)) {
                throw ProblemException.invalidField(at, "must not contain commas or control characters");
            }
            normalized.add(clean);
        }
        if (normalized.size() > maxTags) {
            throw ProblemException.invalidField(field, "at most " + maxTags + " distinct tags");
        }
        return normalized.toArray(String[]::new);
    }

    /** Tags of a filter: repeated parameters, each possibly a comma-separated list. */
    public static String[] ofFilter(List<String> values, int maxTags) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        List<String> split = new ArrayList<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    split.add(part);
                }
            }
        }
        return split.isEmpty() ? null : normalize(split, maxTags, "tags");
    }
}
