package io.agentyard.chat.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.chat.config.ChatServiceConfig;
import io.agentyard.chat.stream.ConversationStream;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.reactive.AfterCommit;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Files attached to messages: bounded in size, checked against an allow-list of types, kept by
 * the {@link AttachmentStorage} under generated keys, and removed with their message. Who may
 * attach, read and remove is decided by the caller ({@code MessageService}'s rules).
 */
@ApplicationScoped
public class AttachmentService {

    private static final Logger LOG = Logger.getLogger(AttachmentService.class);

    private final AttachmentRepository attachments;
    private final AttachmentStorage storage;
    private final ConversationStream stream;
    private final ChatServiceConfig.Attachments config;

    AttachmentService(AttachmentRepository attachments, AttachmentStorage storage, ConversationStream stream,
                      ChatServiceConfig config) {
        this.attachments = attachments;
        this.storage = storage;
        this.stream = stream;
        this.config = config.attachments();
    }

    /** An uploaded file as the HTTP layer received it (a temporary file). */
    public record Upload(Path file, String fileName, String contentType, long size) {
    }

    /** Checks an upload against the limits before anything is stored. */
    public void check(Upload upload) {
        if (upload.size() > config.maxBytes()) {
            throw ProblemException.payloadTooLarge("the file has " + upload.size() + " bytes; at most "
                    + config.maxBytes() + " are accepted");
        }
        if (upload.size() == 0) {
            throw ProblemException.invalidField("file", "is empty");
        }
        String type = normalType(upload.contentType());
        if (!allowed(type)) {
            throw ProblemException.unsupportedMediaType("files of type " + type + " are not accepted; accepted: "
                    + String.join(", ", config.allowedTypes()));
        }
    }

    boolean allowed(String type) {
        return config.allowedTypes().stream().map(String::trim).anyMatch(rule -> rule.endsWith("/*")
                ? type.startsWith(rule.substring(0, rule.length() - 1)) : type.equals(rule));
    }

    static String normalType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "application/octet-stream";
        }
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
    }

    /** The name to show: the last segment of what the client sent, without control characters, at most 255 characters. */
    static String displayName(String fileName) {
        String name = fileName == null ? "" : fileName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "").strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            name = "attachment";
        }
        return name.length() > 255 ? name.substring(0, 255) : name;
    }

    /** Stores the file and records it on the message (on the conversation's stream too). */
    public Uni<AttachmentDtos.AttachmentResponse> attach(UUID conversationId, UUID messageId, Upload upload) {
        check(upload);
        return sha256(upload.file()).chain(digest -> storage.store(upload.file()).chain(key -> {
            Attachment attachment = new Attachment();
            attachment.id = UUID.randomUUID();
            attachment.messageId = messageId;
            attachment.fileName = displayName(upload.fileName());
            attachment.filePath = key;
            attachment.fileType = normalType(upload.contentType());
            attachment.fileSizeBytes = upload.size();
            attachment.sha256 = digest;
            attachment.metadata = Map.of();
            attachment.createdAt = Instant.now();
            AttachmentDtos.AttachmentResponse response = AttachmentDtos.AttachmentResponse.from(attachment);
            return AfterCommit.transaction(() -> attachments.persist(attachment)
                            .call(() -> stream.append(conversationId, ConversationStream.ATTACHMENT, response)))
                    .replaceWith(response)
                    // nothing recorded: the stored file goes too
                    .onFailure().call(failure -> storage.delete(key).onFailure().recoverWithNull());
        }));
    }

    private static Uni<String> sha256(Path file) {
        return Uni.createFrom().item(() -> {
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
            } catch (IOException | NoSuchAlgorithmException e) {
                throw new IllegalStateException("the upload could not be read", e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Attachments of these messages, by message. */
    public Uni<Map<UUID, List<AttachmentDtos.AttachmentResponse>>> of(List<UUID> messageIds) {
        return Panache.withSession(() -> attachments.list("messageId in ?1 order by createdAt, id", messageIds))
                .map(found -> found.stream().map(AttachmentDtos.AttachmentResponse::from)
                        .collect(Collectors.groupingBy(AttachmentDtos.AttachmentResponse::messageId)));
    }

    /** The attachment of a message, with the file to send. */
    public record Download(Attachment attachment, Path file) {
    }

    public Uni<Download> download(UUID messageId, UUID id) {
        return Panache.withSession(() -> attachments.find("id = ?1 and messageId = ?2", id, messageId).firstResult())
                .chain(found -> {
                    if (found == null) {
                        return Uni.createFrom().failure(ProblemException.notFound("attachment", id));
                    }
                    return storage.open(found.filePath).map(file -> new Download(found, file));
                });
    }

    /** Inside the caller's transaction: removes a message's attachments; their files go after the commit. */
    public Uni<Void> deleteOf(UUID messageId) {
        return attachments.list("messageId", messageId).chain(found -> {
            found.forEach(attachment -> AfterCommit.register(() -> removeFile(attachment.filePath)));
            return attachments.delete("messageId", messageId).replaceWithVoid();
        });
    }

    /** Removes one attachment of a message, its file after the commit. */
    public Uni<Void> delete(UUID conversationId, UUID messageId, UUID id) {
        return AfterCommit.transaction(() -> attachments.find("id = ?1 and messageId = ?2", id, messageId).firstResult()
                .chain(found -> {
                    if (found == null) {
                        return Uni.createFrom().failure(ProblemException.notFound("attachment", id));
                    }
                    AfterCommit.register(() -> removeFile(found.filePath));
                    return attachments.delete(found).chain(() -> stream.append(conversationId,
                            ConversationStream.ATTACHMENT_DELETED, Map.of("messageId", messageId, "attachmentId", id)));
                })).replaceWithVoid();
    }

    private Uni<Void> removeFile(String key) {
        return storage.delete(key).onFailure().invoke(failure -> LOG.warnf("Attachment file %s not removed: %s", key,
                failure.getMessage())).onFailure().recoverWithNull();
    }
}
