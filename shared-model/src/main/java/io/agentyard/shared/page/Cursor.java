package io.agentyard.shared.page;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import io.agentyard.shared.problem.ProblemException;

/**
 * Where a list page sorted by (time, id) ended: the last item's time and id, given out as an
 * opaque {@code nextCursor} string and read back from {@code ?cursor=}.
 */
public record Cursor(Instant at, UUID id) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((at.toString() + "/" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor of {@code ?cursor=}, null when absent; 400 when it is not one this API gave out. */
    public static Cursor parse(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("/", 2);
            return new Cursor(Instant.parse(parts[0]), UUID.fromString(parts[1]));
        } catch (RuntimeException malformed) {
            throw ProblemException.invalidField("cursor", "is not a cursor this API gave out");
        }
    }
}
