package io.agentyard.chat.document;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /api/context-documents. */
public final class ContextDocumentDtos {

    private ContextDocumentDtos() {
    }

    /** http(s)://, ssh:// or git:// with a host, or scp-like {@code git@host:path}. */
    static final String URL_PATTERN = "^(?:(?:https?|ssh|git)://(?:[^\\s/@]+@)?[A-Za-z0-9][A-Za-z0-9.-]*(?::\\d{1,5})?(?:/\\S*)?"
            + "|[A-Za-z0-9._-]+@[A-Za-z0-9][A-Za-z0-9.-]*:\\S+)$";
    static final String URL_RULE = "must be a repository URL (https://, http://, ssh://, git:// or git@host:path)";
    static final String TITLE_PATTERN = "(?s).*\\S.*";

    /**
     * A new document. {@code content} is markdown, at most {@code agentyard.chat.documents.max-content-bytes}
     * bytes (413 beyond); {@code tags} are normalised (see {@link DocumentTags}).
     */
    @Schema(name = "ContextDocumentCreate")
    public record Create(
            @NotBlank @Size(max = 255) String title,
            @NotNull DocumentType documentType,
            @NotBlank String content,
            @Size(max = 500) @Pattern(regexp = URL_PATTERN, message = URL_RULE) String repositoryUrl,
            List<String> tags,
            @Size(max = 100) Map<String, Object> metadata) {
    }

    /**
     * PATCH: a new version from the fields present; those left out stay as they are. {@code version}
     * is the version the change was made from (or send it as {@code If-Match: "<version>"}).
     * {@code repositoryUrl: ""} removes the URL, {@code tags: []} the tags; {@code metadata} replaces
     * the metadata as a whole.
     */
    @Schema(name = "ContextDocumentUpdate")
    public record Update(
            @Min(value = 1, message = "must be 1 or more") Integer version,
            @Size(max = 255) @Pattern(regexp = TITLE_PATTERN, message = "must not be blank") String title,
            DocumentType documentType,
            String content,
            @Size(max = 500) @Pattern(regexp = "^$|" + URL_PATTERN, message = URL_RULE + ", or \"\" to remove it")
            String repositoryUrl,
            List<String> tags,
            @Size(max = 100) Map<String, Object> metadata) {

        boolean changesNothing() {
            return title == null && documentType == null && content == null && repositoryUrl == null && tags == null
                    && metadata == null;
        }
    }

    /** A document as it is now; the {@code ETag} header carries its version. */
    @Schema(name = "ContextDocumentResponse")
    public record DocumentResponse(UUID id, String title, DocumentType documentType, String content,
                                   String repositoryUrl, List<String> tags, Map<String, Object> metadata,
                                   UUID createdBy, Instant createdAt, Instant updatedAt, int version) {
    }

    /**
     * An item of a list or search: the document without its content ({@code contentBytes} tells its
     * size). A search hit also carries its {@code rank} (ts_rank_cd, higher first), its title and a
     * snippet of its content as HTML: the text escaped, each match wrapped in {@code <mark>…</mark>}.
     */
    @Schema(name = "ContextDocumentSummary")
    public record DocumentSummary(UUID id, String title, DocumentType documentType, String repositoryUrl,
                                  List<String> tags, Map<String, Object> metadata, UUID createdBy,
                                  Instant createdAt, Instant updatedAt, int version, long contentBytes,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) Float rank,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) String titleHighlight,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) String snippet) {
    }

    /** An item of a document's history (without its content). */
    @Schema(name = "ContextDocumentVersionSummary")
    public record VersionSummary(int version, String title, DocumentType documentType, String repositoryUrl,
                                 List<String> tags, Map<String, Object> metadata, UUID editedBy, Instant createdAt,
                                 long contentBytes) {
    }

    /** One version of a document, as it was written. */
    @Schema(name = "ContextDocumentVersionResponse")
    public record VersionResponse(UUID documentId, int version, String title, DocumentType documentType,
                                  String content, String repositoryUrl, List<String> tags,
                                  Map<String, Object> metadata, UUID editedBy, Instant createdAt) {
    }
}
