package io.agentyard.chat.document;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import io.agentyard.shared.problem.ProblemException;

/**
 * Where a page of search hits (ordered by rank, descending, then id) ended: the last hit's rank
 * and id, given out as an opaque {@code nextCursor} and read back from {@code ?cursor=}. Lists
 * without a query use shared-model's time-and-id {@link io.agentyard.shared.page.Cursor}.
 */
public record RankCursor(float rank, UUID id) {

    private static final String PREFIX = "rank/";

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + rank + "/" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor of {@code ?cursor=}, null when absent; 400 when it is not one a search gave out. */
    public static RankCursor parse(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        String text = decode(cursor);
        try {
            if (text == null || !text.startsWith(PREFIX)) {
                throw new IllegalArgumentException("not a search cursor");
            }
            String[] parts = text.substring(PREFIX.length()).split("/", 2);
            return new RankCursor(Float.parseFloat(parts[0]), UUID.fromString(parts[1]));
        } catch (RuntimeException malformed) {
            throw ProblemException.invalidField("cursor", "is not a cursor a search (with q) gave out");
        }
    }

    /** Whether {@code cursor} is a search's, to tell a caller who passes it to a list without q. */
    public static boolean isOne(String cursor) {
        String text = cursor == null || cursor.isBlank() ? null : decode(cursor);
        return text != null && text.startsWith(PREFIX);
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
