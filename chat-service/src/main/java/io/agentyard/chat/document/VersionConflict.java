package io.agentyard.chat.document;

import java.util.UUID;

import io.agentyard.shared.problem.ProblemException;

/**
 * An update made from a version that is no longer the document's: 409 when the version came in
 * the body, 412 (Precondition Failed, as RFC 9110 prescribes) when it came as {@code If-Match}.
 * The answer names the current version (a {@code currentVersion} member and the {@code ETag}).
 */
public class VersionConflict extends ProblemException {

    private final int currentVersion;

    VersionConflict(UUID id, int editedVersion, int currentVersion, boolean fromIfMatch) {
        super(fromIfMatch ? 412 : 409, "version-conflict", "Version conflict",
                "context document " + id + " is at version " + currentVersion + ", not " + editedVersion
                        + ": read it again and apply your change to version " + currentVersion, null, null);
        this.currentVersion = currentVersion;
    }

    public int currentVersion() {
        return currentVersion;
    }
}
