package io.agentyard.chat;

import static io.agentyard.chat.ChatApi.PROBLEM;
import static io.agentyard.chat.ChatApi.conversation;
import static io.agentyard.chat.ChatApi.message;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** Attachments: bounded, type-checked, stored under generated names, read as the conversation, removed with their message. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class AttachmentsTest {

    @Inject
    AgroalDataSource database;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    static String path(UUID conversationId, UUID messageId) {
        return "/api/conversations/" + conversationId + "/messages/" + messageId + "/attachments";
    }

    /** The storage key of an attachment, and the file behind it. */
    Path stored(String attachmentId) throws Exception {
        try (var connection = database.getConnection();
             var statement = connection.prepareStatement("select file_path from chat.chat_attachments where id = ?")) {
            statement.setObject(1, UUID.fromString(attachmentId));
            var rows = statement.executeQuery();
            assertTrue(rows.next(), "attachment row " + attachmentId);
            return Path.of("target/attachments").resolve(rows.getString(1));
        }
    }

    @Test
    void aFileIsStoredUnderAGeneratedNameAndDownloadedAsUploaded() throws Exception {
        UUID id = conversation(owner);
        UUID messageId = message(owner, id, "the log");
        byte[] content = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
        String attachmentId = as(owner).multiPart("file", "../../etc/passwd.txt", content, "text/plain")
                .post(path(id, messageId)).then().statusCode(201)
                .body("fileName", is("passwd.txt")).body("fileType", is("text/plain"))
                .body("fileSizeBytes", is(content.length)).body("sha256", is(sha(content)))
                .extract().path("id");
        Path file = stored(attachmentId);
        assertTrue(file.normalize().startsWith(Path.of("target/attachments").normalize()));
        assertFalse(file.getFileName().toString().contains("passwd"));
        assertArrayEquals(content, Files.readAllBytes(file));

        byte[] downloaded = as(TestTokens.viewer()).get(path(id, messageId) + "/" + attachmentId).then()
                .statusCode(200).header("Content-Type", containsString("text/plain"))
                .header("Content-Disposition", containsString("passwd.txt"))
                .header("X-Content-Type-Options", is("nosniff")).extract().asByteArray();
        assertArrayEquals(content, downloaded);
        ChatApi.as(owner).get("/api/conversations/" + id + "/messages/" + messageId).then()
                .body("attachments.fileName", contains("passwd.txt"));
    }

    static String sha(byte[] content) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
    }

    @Test
    void tooLargeAndDisallowedFilesAreRefusedAndNothingIsStored() {
        UUID id = conversation(owner);
        UUID messageId = message(owner, id, "files");
        as(owner).multiPart("file", "big.txt", new byte[10 * 1024 * 1024 + 1], "text/plain").post(path(id, messageId))
                .then().statusCode(413).contentType(PROBLEM);
        as(owner).multiPart("file", "tool.exe", new byte[]{1, 2, 3}, "application/x-msdownload").post(path(id, messageId))
                .then().statusCode(415).contentType(PROBLEM);
        as(owner).multiPart("other", "a.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain")
                .post(path(id, messageId)).then().statusCode(400).contentType(PROBLEM);
        ChatApi.as(owner).get("/api/conversations/" + id + "/messages/" + messageId).then()
                .body("attachments.size()", is(0));
    }

    @Test
    void onlyThoseWhoMayReadTheConversationDownloadAndOnlyWritersAttach() {
        UUID id = conversation(owner);
        UUID messageId = message(owner, id, "private");
        String attachmentId = as(owner).multiPart("file", "notes.md", "# secret".getBytes(StandardCharsets.UTF_8),
                "text/markdown").post(path(id, messageId)).then().statusCode(201).extract().path("id");
        String stranger = TestTokens.developer(UUID.randomUUID());
        as(stranger).get(path(id, messageId) + "/" + attachmentId).then().statusCode(404).contentType(PROBLEM);
        as(stranger).multiPart("file", "x.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain")
                .post(path(id, messageId)).then().statusCode(404);
        as(TestTokens.viewer()).multiPart("file", "x.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain")
                .post(path(id, messageId)).then().statusCode(403);
        as(owner).get(path(id, messageId) + "/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void deletingTheMessageDeletesItsAttachmentsAndTheirFiles() throws Exception {
        UUID id = conversation(owner);
        UUID messageId = message(owner, id, "with a file");
        String attachmentId = as(owner).multiPart("file", "a.json", "{}".getBytes(StandardCharsets.UTF_8),
                "application/json").post(path(id, messageId)).then().statusCode(201).extract().path("id");
        Path file = stored(attachmentId);
        assertTrue(Files.exists(file));
        ChatApi.as(owner).delete("/api/conversations/" + id + "/messages/" + messageId).then().statusCode(204);
        try (var connection = database.getConnection();
             var rows = connection.createStatement().executeQuery(
                     "select count(*) from chat.chat_attachments where id = '" + attachmentId + "'")) {
            rows.next();
            assertEquals(0, rows.getInt(1));
        }
        io.agentyard.shared.testing.Eventually.await(java.time.Duration.ofSeconds(5), "the file removed",
                () -> !Files.exists(file));
    }
}
