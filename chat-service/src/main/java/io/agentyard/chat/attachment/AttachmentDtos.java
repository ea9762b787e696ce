package io.agentyard.chat.attachment;

import java.time.Instant;
import java.util.UUID;

/** Responses of the attachments API (the storage key never leaves the service). */
public final class AttachmentDtos {

    private AttachmentDtos() {
    }

    public record AttachmentResponse(UUID id, UUID messageId, String fileName, String fileType, long fileSizeBytes,
                                     String sha256, Instant createdAt) {

        static AttachmentResponse from(Attachment attachment) {
            return new AttachmentResponse(attachment.id, attachment.messageId, attachment.fileName,
                    attachment.fileType, attachment.fileSizeBytes, attachment.sha256, attachment.createdAt);
        }
    }
}
