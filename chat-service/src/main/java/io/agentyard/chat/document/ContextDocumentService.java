package io.agentyard.chat.document;

import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.page.Cursor;
import io.agentyard.shared.page.CursorPage;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Context documents: shared context, a knowledge base. Every authenticated identity reads and
 * searches them; admins and developers create them; only a document's creator or an admin changes
 * or deletes it (viewers, workers and services never write). Each change is a new version written
 * from the version the caller read: one made from an older version is refused (409, or 412 for
 * If-Match) and writes nothing. Earlier versions stay readable until the document is deleted.
 */
@ApplicationScoped
public class ContextDocumentService {

    private final ContextDocumentStore store;
    private final ContextDocumentsConfig config;

    ContextDocumentService(ContextDocumentStore store, ContextDocumentsConfig config) {
        this.store = store;
        this.config = config;
    }

    // ---- writes

    public Uni<ContextDocumentDtos.DocumentResponse> create(Caller caller, ContextDocumentDtos.Create request) {
        requireContentWithinLimit(request.content());
        ContextDocumentStore.Fields fields = new ContextDocumentStore.Fields(request.title().strip(),
                request.documentType(), request.content(), blankToNull(request.repositoryUrl()),
                DocumentTags.normalize(request.tags(), config.maxTags(), "tags"),
                request.metadata() == null ? Map.of() : request.metadata());
        UUID author = caller.id();
        return store.insert(UUID.randomUUID(), fields, author).onFailure(PgException.class).transform(this::tooBig);
    }

    /**
     * The next version, from {@code update}'s fields over those of the version the caller names.
     * 404 when there is no such document, 403 when the caller may not change it, 409/412 when it
     * is no longer at that version (also when another update gets there first: the statement
     * writes only if the version is still the one read).
     */
    public Uni<ContextDocumentDtos.DocumentResponse> update(Caller caller, UUID id, Precondition precondition,
                                                            ContextDocumentDtos.Update update) {
        if (update.changesNothing()) {
            throw ProblemException.invalidField("body", "names nothing to change: give at least one of title,"
                    + " documentType, content, repositoryUrl, tags, metadata");
        }
        if (update.content() != null) {
            if (update.content().isBlank()) {
                throw ProblemException.invalidField("content", "must not be blank");
            }
            requireContentWithinLimit(update.content());
        }
        String[] tags = update.tags() == null ? null : DocumentTags.normalize(update.tags(), config.maxTags(), "tags");
        return store.find(id).chain(current -> {
            requireWritable(caller, id, current == null ? null : current.createdBy());
            if (current.version() != precondition.version()) {
                throw new VersionConflict(id, precondition.version(), current.version(), precondition.fromIfMatch());
            }
            ContextDocumentStore.Fields next = new ContextDocumentStore.Fields(
                    update.title() == null ? current.title() : update.title().strip(),
                    update.documentType() == null ? current.documentType() : update.documentType(),
                    update.content() == null ? current.content() : update.content(),
                    update.repositoryUrl() == null ? current.repositoryUrl() : blankToNull(update.repositoryUrl()),
                    tags == null ? current.tags().toArray(String[]::new) : tags,
                    update.metadata() == null ? current.metadata() : update.metadata());
            return store.update(id, current.version(), next, caller.id())
                    .onFailure(PgException.class).transform(this::tooBig)
                    .chain(written -> written != null ? Uni.createFrom().item(written)
                            // another update (or a delete) came first: say which version is current now
                            : store.head(id).map(now -> {
                                if (now == null) {
                                    throw ProblemException.notFound("context document", id);
                                }
                                throw new VersionConflict(id, precondition.version(), now.version(),
                                        precondition.fromIfMatch());
                            }));
        });
    }

    /** Deletes the document and all its versions: its creator or an admin. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return store.head(id).chain(head -> {
            requireWritable(caller, id, head == null ? null : head.createdBy());
            return store.delete(id);
        }).invoke(deleted -> {
            if (!deleted) {
                throw ProblemException.notFound("context document", id);
            }
        }).replaceWithVoid();
    }

    // ---- reads (every authenticated identity)

    public Uni<ContextDocumentDtos.DocumentResponse> get(UUID id) {
        return store.find(id).onItem().ifNull().failWith(() -> ProblemException.notFound("context document", id));
    }

    /** The document's versions, newest first, {@code limit} at a time; the cursor is the last version listed. */
    public Uni<CursorPage<ContextDocumentDtos.VersionSummary>> versions(UUID id, String cursor, int limit) {
        int before = versionCursor(cursor);
        return store.head(id).onItem().ifNull().failWith(() -> ProblemException.notFound("context document", id))
                .chain(head -> store.versions(id, before, limit + 1))
                .map(found -> CursorPage.of(found, limit, last -> Integer.toString(last.version())));
    }

    public Uni<ContextDocumentDtos.VersionResponse> version(UUID id, int version) {
        return store.version(id, version).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("version " + version + " of context document", id));
    }

    /**
     * Without {@code query}: the filtered documents, newest first. With it: the documents matching
     * it (and the filter), best first, each with its rank and highlighted title and snippet.
     */
    public Uni<CursorPage<ContextDocumentDtos.DocumentSummary>> list(ContextDocumentStore.Filter filter, String query,
                                                                    String cursor, int limit) {
        if (query == null || query.isBlank()) {
            if (RankCursor.isOne(cursor)) {
                throw ProblemException.invalidField("cursor", "comes from a search: use it with the same q");
            }
            return store.list(filter, Cursor.parse(cursor), limit + 1).map(found -> CursorPage.of(found, limit,
                    last -> new Cursor(last.createdAt(), last.id()).encode()));
        }
        RankCursor after = RankCursor.parse(cursor);
        Highlights highlights = Highlights.fresh();
        return store.search(new ContextDocumentStore.Search(query.strip(), highlights.startMarker(),
                        highlights.stopMarker()), filter, after, limit + 1)
                .map(found -> CursorPage.of(found, limit, last -> new RankCursor(last.rank(), last.id()).encode())
                        .map(hit -> new ContextDocumentDtos.DocumentSummary(hit.id(), hit.title(),
                                hit.documentType(), hit.repositoryUrl(), hit.tags(), hit.metadata(),
                                hit.createdBy(), hit.createdAt(), hit.updatedAt(), hit.version(),
                                hit.contentBytes(), hit.rank(), highlights.toHtml(hit.titleHighlight()),
                                highlights.toHtml(hit.snippet()))));
    }

    private static int versionCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return Integer.MAX_VALUE;
        }
        try {
            return Integer.parseInt(cursor.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("cursor", "is not a cursor this API gave out");
        }
    }

    // ---- rules

    /** 404 when the document does not exist, 403 when the caller is neither its creator nor an admin. */
    private static void requireWritable(Caller caller, UUID id, UUID createdBy) {
        if (createdBy == null) {
            throw ProblemException.notFound("context document", id);
        }
        if (!caller.canWrite(createdBy)) {
            throw ProblemException.forbidden("only the context document's creator or an admin may change it");
        }
    }

    private void requireContentWithinLimit(String content) {
        long bytes = utf8Length(content);
        if (bytes > config.maxContentBytes()) {
            throw ProblemException.payloadTooLarge("content is " + bytes + " bytes (UTF-8); a context document's"
                    + " content may have at most " + config.maxContentBytes());
        }
    }

    /** PostgreSQL refused the search vector (program_limit_exceeded): too much to index, a 413 too. */
    private Throwable tooBig(Throwable failure) {
        if (failure instanceof PgException pg && "54000".equals(pg.getSqlState())) {
            return ProblemException.payloadTooLarge("the document has more distinct words than PostgreSQL can index"
                    + " (" + pg.getErrorMessage() + ")");
        }
        return failure;
    }

    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
