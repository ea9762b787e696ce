package io.agentyard.chat.attachment;

import java.nio.file.Path;

import io.smallrye.mutiny.Uni;

/**
 * Where attachment files live. Files are kept under keys the storage generates, never under a
 * name or path a client chose. {@link LocalAttachmentStorage} keeps them in a directory (a volume
 * in Kubernetes); an object store would implement the same three operations.
 */
public interface AttachmentStorage {

    /** Takes over {@code upload} (a received temporary file) and answers its key. */
    Uni<String> store(Path upload);

    /** The file stored under {@code key}, to send. */
    Uni<Path> open(String key);

    /** Removes the file under {@code key}; a missing file is fine. */
    Uni<Void> delete(String key);
}
