package io.agentyard.chat;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Test kit of context documents: speaks the API, makes documents with words and tags no other test
 * uses, and looks at the tables with prepared statements.
 */
@ApplicationScoped
public class DocumentsApi {

    public static final String PATH = "/api/context-documents";
    public static final String PROBLEM = "application/problem+json";

    final AgroalDataSource database;

    DocumentsApi(AgroalDataSource database) {
        this.database = database;
    }

    public static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).auth().oauth2(token);
    }

    /** A lower-case word of letters no other document has (so searches and tag filters see only a test's own). */
    public static String uniqueWord() {
        StringBuilder word = new StringBuilder("zq");
        for (int i = 0; i < 10; i++) {
            word.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return word.toString();
    }

    /** A valid new document's body; change what a test needs. */
    public static Map<String, Object> document(String title, String content, String... tags) {
        Map<String, Object> body = new HashMap<>();
        body.put("title", title);
        body.put("documentType", "guide");
        body.put("content", content);
        body.put("tags", List.of(tags));
        return body;
    }

    /** Creates the document as {@code token}; returns its id. */
    public static String create(String token, Map<String, Object> body) {
        return as(token).body(body).post(PATH).then().statusCode(201).extract().path("id");
    }

    /** A PATCH made from {@code version}, carried in the body. */
    public static Response update(String token, String id, int version, Map<String, Object> changes) {
        Map<String, Object> body = new HashMap<>(changes);
        body.put("version", version);
        return as(token).body(body).patch(PATH + "/" + id);
    }

    /** The document's version numbers in its history table, in order. */
    public List<Integer> storedVersions(String id) {
        List<Integer> versions = new ArrayList<>();
        try (var connection = database.getConnection(); var statement = connection.prepareStatement(
                "select version from chat.context_document_versions where document_id = ? order by version")) {
            statement.setObject(1, UUID.fromString(id));
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    versions.add(rows.getInt(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return versions;
    }

    public long count(String sql, Object... params) {
        try (var connection = database.getConnection(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Holds the row lock of a document (as a writer in the middle of its update would) until
     * {@link Connection#commit()}: updates of it wait meanwhile.
     */
    public Connection lockRow(String id) {
        try {
            Connection connection = database.getConnection();
            connection.setAutoCommit(false);
            try (var statement = connection.prepareStatement(
                    "select 1 from chat.context_documents where id = ? for update")) {
                statement.setObject(1, UUID.fromString(id));
                statement.executeQuery().close();
            }
            return connection;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many statements wait for a lock while updating context documents. */
    public long updatesWaitingForALock() {
        return count("select count(*) from pg_stat_activity where datname = current_database()"
                + " and wait_event_type = 'Lock' and query like '%update chat.context_documents set%'");
    }

    /** The plan PostgreSQL picks for a tags filter when it may use an index (the table is tiny in tests). */
    public String tagFilterPlan(String tag) {
        try (var connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try (var off = connection.createStatement()) {
                off.execute("set local enable_seqscan = off");
            }
            StringBuilder plan = new StringBuilder();
            try (var explain = connection.prepareStatement(
                    "explain select d.id from chat.context_documents d where d.tags @> ?::varchar[]")) {
                explain.setArray(1, connection.createArrayOf("varchar", new String[] {tag}));
                try (var rows = explain.executeQuery()) {
                    while (rows.next()) {
                        plan.append(rows.getString(1)).append('\n');
                    }
                }
            }
            connection.rollback();
            return plan.toString();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
