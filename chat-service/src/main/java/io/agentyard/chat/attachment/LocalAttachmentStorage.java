package io.agentyard.chat.attachment;

import java.nio.file.Path;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.chat.config.ChatServiceConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.file.CopyOptions;
import io.vertx.mutiny.core.Vertx;

/**
 * Attachments in a directory ({@code AGENTYARD_ATTACHMENTS_DIR}), as {@code <2 hex>/<uuid>} so no
 * directory grows too large. All file work goes through Vert.x's non-blocking file system.
 */
@ApplicationScoped
public class LocalAttachmentStorage implements AttachmentStorage {

    private final Vertx vertx;
    private final Path root;

    LocalAttachmentStorage(Vertx vertx, ChatServiceConfig config) {
        this.vertx = vertx;
        this.root = Path.of(config.attachments().directory()).toAbsolutePath().normalize();
    }

    @Override
    public Uni<String> store(Path upload) {
        String name = UUID.randomUUID().toString();
        String key = name.substring(0, 2) + "/" + name;
        Path target = root.resolve(key);
        return vertx.fileSystem().mkdirs(target.getParent().toString())
                .chain(() -> vertx.fileSystem().move(upload.toString(), target.toString(),
                        new CopyOptions().setReplaceExisting(false)))
                .replaceWith(key);
    }

    @Override
    public Uni<Path> open(String key) {
        Path file = resolve(key);
        return vertx.fileSystem().exists(file.toString()).map(exists -> {
            if (!exists) {
                throw new IllegalStateException("attachment file " + key + " is missing from the storage");
            }
            return file;
        });
    }

    @Override
    public Uni<Void> delete(String key) {
        Path file = resolve(key);
        return vertx.fileSystem().exists(file.toString())
                .chain(exists -> exists ? vertx.fileSystem().delete(file.toString()) : Uni.createFrom().voidItem());
    }

    /** Keys are this storage's own, but a key that would leave the directory is refused all the same. */
    private Path resolve(String key) {
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("attachment key " + key + " is outside the storage");
        }
        return file;
    }
}
