package io.agentyard.chat.document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.page.Cursor;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The statements of context documents, each one round trip on the reactive pool. Every write is
 * one statement that changes the document and its history together, so it needs no transaction
 * around it; the rules (who may write, which version an update may start from, what a refusal
 * answers) are {@link ContextDocumentService}'s.
 */
@ApplicationScoped
public class ContextDocumentStore {

    /** The text search configuration of the generated {@code search_vector} column (V3__context_documents.sql). */
    static final String SEARCH_CONFIG = "pg_catalog.english";

    private static final String COLUMNS = "id, title, document_type, content, repository_url, tags, metadata,"
            + " created_by, created_at, updated_at, version";

    private static final String SUMMARY_COLUMNS = "d.id, d.title, d.document_type, d.repository_url, d.tags,"
            + " d.metadata, d.created_by, d.created_at, d.updated_at, d.version, octet_length(d.content) as content_bytes";

    private final Pool pool;

    ContextDocumentStore(Pool pool) {
        this.pool = pool;
    }

    /** A document's content fields, as a version has them. */
    public record Fields(String title, DocumentType type, String content, String repositoryUrl, String[] tags,
                         Map<String, Object> metadata) {
    }

    /** Inserts document $1 at version 1, and version 1 into its history, in one statement. */
    private static final String INSERT = """
            with doc as (
                insert into chat.context_documents (id, title, document_type, content, repository_url, tags,
                    metadata, created_by)
                values ($1, $2, $3, $4, $5, $6::varchar[], $7::jsonb, $8)
                returning %1$s
            ), history as (
                insert into chat.context_document_versions (document_id, version, title, document_type, content,
                    repository_url, tags, metadata, edited_by, created_at)
                select id, version, title, document_type, content, repository_url, tags, metadata, created_by,
                    created_at
                from doc
            )
            select %1$s from doc""".formatted(COLUMNS);

    public Uni<ContextDocumentDtos.DocumentResponse> insert(UUID id, Fields fields, UUID author) {
        return pool.preparedQuery(INSERT).execute(Tuple.tuple(Arrays.asList(id, fields.title(), fields.type().name(),
                        fields.content(), fields.repositoryUrl(), fields.tags(), new JsonObject(fields.metadata()),
                        author)))
                .map(rows -> document(rows.iterator().next()));
    }

    /**
     * Writes the next version of document $1 if it is still at version $2: the document takes the
     * fields and version $2 + 1, and that version goes into its history, in one statement. A
     * concurrent update of the same version waits for the row lock and then finds the version
     * moved on, so it writes nothing. Empty when the document is gone or no longer at $2.
     */
    private static final String UPDATE = """
            with doc as (
                update chat.context_documents set title = $3, document_type = $4, content = $5,
                    repository_url = $6, tags = $7::varchar[], metadata = $8::jsonb,
                    version = version + 1, updated_at = now()
                where id = $1 and version = $2
                returning %1$s
            ), history as (
                insert into chat.context_document_versions (document_id, version, title, document_type, content,
                    repository_url, tags, metadata, edited_by, created_at)
                select id, version, title, document_type, content, repository_url, tags, metadata, $9, updated_at
                from doc
            )
            select %1$s from doc""".formatted(COLUMNS);

    public Uni<ContextDocumentDtos.DocumentResponse> update(UUID id, int fromVersion, Fields fields, UUID editor) {
        return pool.preparedQuery(UPDATE).execute(Tuple.tuple(Arrays.asList(id, fromVersion, fields.title(),
                        fields.type().name(), fields.content(), fields.repositoryUrl(), fields.tags(),
                        new JsonObject(fields.metadata()), editor)))
                .map(rows -> rows.size() == 0 ? null : document(rows.iterator().next()));
    }

    public Uni<ContextDocumentDtos.DocumentResponse> find(UUID id) {
        return pool.preparedQuery("select " + COLUMNS + " from chat.context_documents where id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : document(rows.iterator().next()));
    }

    /** Who created document $1 and its version; null when it does not exist. */
    public record Head(UUID createdBy, int version) {
    }

    public Uni<Head> head(UUID id) {
        return pool.preparedQuery("select created_by, version from chat.context_documents where id = $1")
                .execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new Head(row.getUUID("created_by"), row.getInteger("version"));
                });
    }

    /** Deletes the document; its versions go with it (on delete cascade). False when it was not there. */
    public Uni<Boolean> delete(UUID id) {
        return pool.preparedQuery("delete from chat.context_documents where id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() > 0);
    }

    // ---- history

    private static final String VERSIONS = """
            select version, title, document_type, repository_url, tags, metadata, edited_by, created_at,
                octet_length(content) as content_bytes
            from chat.context_document_versions
            where document_id = $1 and version < $2
            order by version desc limit $3""";

    /** Up to {@code limit} versions older than {@code before}, newest first. */
    public Uni<List<ContextDocumentDtos.VersionSummary>> versions(UUID id, int before, int limit) {
        return pool.preparedQuery(VERSIONS).execute(Tuple.of(id, before, limit)).map(rows -> {
            List<ContextDocumentDtos.VersionSummary> versions = new ArrayList<>(rows.size());
            for (Row row : rows) {
                versions.add(new ContextDocumentDtos.VersionSummary(row.getInteger("version"), row.getString("title"),
                        DocumentType.valueOf(row.getString("document_type")), row.getString("repository_url"),
                        tags(row), metadata(row), row.getUUID("edited_by"), instant(row, "created_at"),
                        row.getLong("content_bytes")));
            }
            return versions;
        });
    }

    private static final String VERSION = """
            select document_id, version, title, document_type, content, repository_url, tags, metadata, edited_by,
                created_at
            from chat.context_document_versions where document_id = $1 and version = $2""";

    public Uni<ContextDocumentDtos.VersionResponse> version(UUID id, int version) {
        return pool.preparedQuery(VERSION).execute(Tuple.of(id, version)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new ContextDocumentDtos.VersionResponse(row.getUUID("document_id"), row.getInteger("version"),
                    row.getString("title"), DocumentType.valueOf(row.getString("document_type")),
                    row.getString("content"), row.getString("repository_url"), tags(row), metadata(row),
                    row.getUUID("edited_by"), instant(row, "created_at"));
        });
    }

    // ---- lists and search

    /** Filters of a list; null ones are left out. {@code tags}: documents having all of them. */
    public record Filter(String[] tags, DocumentType type, String repositoryUrl, UUID createdBy) {
    }

    /**
     * Documents matching the filter, newest first ({@code created_at}, then id, both descending),
     * {@code limit} of them after {@code after} (null: from the start). Only the filters given are in the statement, so
     * each combination is planned for its own indexes (the tags one: GIN, {@code tags @> $n}).
     */
    public Uni<List<ContextDocumentDtos.DocumentSummary>> list(Filter filter, Cursor after, int limit) {
        Statement sql = new Statement();
        StringBuilder where = filters(filter, sql);
        if (after != null) {
            where.append(" and (d.created_at, d.id) < (").append(sql.param(after.at()))
                    .append("::timestamptz, ").append(sql.param(after.id())).append("::uuid)");
        }
        String query = "select " + SUMMARY_COLUMNS + " from chat.context_documents d where true" + where
                + " order by d.created_at desc, d.id desc limit " + sql.param(limit);
        return sql.run(pool, query).map(rows -> summaries(rows, false));
    }

    /** A full-text query and how to mark its matches in titles and snippets. */
    public record Search(String query, String startMark, String stopMark) {
    }

    /**
     * Documents matching {@code websearch_to_tsquery(query)} (any text is a valid query) and the
     * filter, best first by {@code ts_rank_cd} over the weighted vector (title A, tags B, content
     * C), then by id; {@code limit} of them after {@code after}. Titles and snippets are highlighted
     * (ts_headline) only for the rows of the page.
     */
    public Uni<List<ContextDocumentDtos.DocumentSummary>> search(Search search, Filter filter, RankCursor after,
                                                                 int limit) {
        Statement sql = new Statement();
        String tsquery = "websearch_to_tsquery('" + SEARCH_CONFIG + "', " + sql.param(search.query()) + "::text)";
        StringBuilder where = filters(filter, sql);
        String cursor = "";
        if (after != null) {
            String rank = sql.param(after.rank()) + "::real";
            cursor = " where rank < " + rank + " or (rank = " + rank + " and id > " + sql.param(after.id()) + "::uuid)";
        }
        String titleOptions = "HighlightAll=true, StartSel=" + search.startMark() + ", StopSel=" + search.stopMark();
        String snippetOptions = "MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \", StartSel="
                + search.startMark() + ", StopSel=" + search.stopMark();
        String query = """
                with hits as (
                    select d.id, ts_rank_cd(d.search_vector, %1$s) as rank
                    from chat.context_documents d
                    where d.search_vector @@ %1$s%2$s
                ), page as (
                    select id, rank from hits%3$s order by rank desc, id limit %4$s
                )
                select %5$s, page.rank,
                    ts_headline('%6$s', d.title, %1$s, %7$s::text) as title_highlight,
                    ts_headline('%6$s', d.content, %1$s, %8$s::text) as snippet
                from page join chat.context_documents d on d.id = page.id
                order by page.rank desc, page.id""".formatted(tsquery, where, cursor, sql.param(limit),
                SUMMARY_COLUMNS, SEARCH_CONFIG, sql.param(titleOptions), sql.param(snippetOptions));
        return sql.run(pool, query).map(rows -> summaries(rows, true));
    }

    /** The filter's conditions as {@code and ...} clauses over {@code d}, their values as parameters. */
    private static StringBuilder filters(Filter filter, Statement sql) {
        StringBuilder where = new StringBuilder();
        if (filter.tags() != null && filter.tags().length > 0) {
            where.append(" and d.tags @> ").append(sql.param(filter.tags())).append("::varchar[]");
        }
        if (filter.type() != null) {
            where.append(" and d.document_type = ").append(sql.param(filter.type().name()));
        }
        if (filter.repositoryUrl() != null) {
            where.append(" and d.repository_url = ").append(sql.param(filter.repositoryUrl()));
        }
        if (filter.createdBy() != null) {
            where.append(" and d.created_by = ").append(sql.param(filter.createdBy())).append("::uuid");
        }
        return where;
    }

    /** A statement put together from fixed fragments; every value is a positional parameter. */
    private static final class Statement {

        private final List<Object> params = new ArrayList<>();

        String param(Object value) {
            params.add(value instanceof Instant instant ? instant.atOffset(java.time.ZoneOffset.UTC) : value);
            return "$" + params.size();
        }

        Uni<RowSet<Row>> run(Pool pool, String query) {
            return pool.preparedQuery(query).execute(Tuple.tuple(params));
        }
    }

    // ---- rows

    private static ContextDocumentDtos.DocumentResponse document(Row row) {
        return new ContextDocumentDtos.DocumentResponse(row.getUUID("id"), row.getString("title"),
                DocumentType.valueOf(row.getString("document_type")), row.getString("content"),
                row.getString("repository_url"), tags(row), metadata(row), row.getUUID("created_by"),
                instant(row, "created_at"), instant(row, "updated_at"), row.getInteger("version"));
    }

    private static List<ContextDocumentDtos.DocumentSummary> summaries(RowSet<Row> rows, boolean hits) {
        List<ContextDocumentDtos.DocumentSummary> summaries = new ArrayList<>(rows.size());
        for (Row row : rows) {
            summaries.add(new ContextDocumentDtos.DocumentSummary(row.getUUID("id"), row.getString("title"),
                    DocumentType.valueOf(row.getString("document_type")), row.getString("repository_url"), tags(row),
                    metadata(row), row.getUUID("created_by"), instant(row, "created_at"), instant(row, "updated_at"),
                    row.getInteger("version"), row.getLong("content_bytes"),
                    hits ? row.getFloat("rank") : null,
                    hits ? row.getString("title_highlight") : null,
                    hits ? row.getString("snippet") : null));
        }
        return summaries;
    }

    private static List<String> tags(Row row) {
        String[] tags = row.getArrayOfStrings("tags");
        return tags == null ? List.of() : List.of(tags);
    }

    private static Map<String, Object> metadata(Row row) {
        JsonObject metadata = row.getJsonObject("metadata");
        return metadata == null ? Map.of() : metadata.getMap();
    }

    private static Instant instant(Row row, String column) {
        return row.getOffsetDateTime(column).toInstant();
    }
}
