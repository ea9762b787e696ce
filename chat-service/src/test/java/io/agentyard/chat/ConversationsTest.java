package io.agentyard.chat;

import static io.agentyard.chat.ChatApi.PROBLEM;
import static io.agentyard.chat.ChatApi.as;
import static io.agentyard.chat.ChatApi.conversation;
import static io.agentyard.chat.ChatApi.message;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Conversations: opened by people, read by their owner (and admins, viewers), renamed, archived, paged. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class ConversationsTest {

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);
    final String stranger = TestTokens.developer(UUID.randomUUID());

    @Test
    void aConversationIsOpenedWithALocationAndReadBackWithItsLatestMessages() {
        String location = as(owner).body(Map.of("title", "  Release plan  ", "metadata", Map.of("color", "blue")))
                .post("/api/conversations").then().statusCode(201)
                .body("ownerId", is(ownerId.toString())).body("title", is("Release plan"))
                .body("status", is("active")).body("lastEventId", is(0))
                .extract().header("Location");
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        message(owner, id, "first");
        message(owner, id, "second");
        as(owner).get("/api/conversations/" + id).then().statusCode(200)
                .body("conversation.id", is(id.toString())).body("conversation.lastEventId", is(2))
                .body("conversation.lastMessageAt", notNullValue())
                .body("messages.content", contains("first", "second")).body("earlierMessages", is(false));
    }

    @Test
    void othersDoNotSeeItButAdminsAndViewersRead() {
        UUID id = conversation(owner);
        as(stranger).get("/api/conversations/" + id).then().statusCode(404).contentType(PROBLEM);
        as(TestTokens.admin()).get("/api/conversations/" + id).then().statusCode(200);
        as(TestTokens.viewer()).get("/api/conversations/" + id).then().statusCode(200);
        as(TestTokens.worker(UUID.randomUUID())).get("/api/conversations/" + id).then().statusCode(404);
        as(stranger).get("/api/conversations").then().statusCode(200).body("items.id", not(hasItem(id.toString())));
    }

    @Test
    void viewersAndStrangersCannotWriteAndNothingIsStored() {
        UUID id = conversation(owner);
        ChatApi.post(TestTokens.viewer(), id, Map.of("content", "hi")).statusCode(403).contentType(PROBLEM);
        ChatApi.post(stranger, id, Map.of("content", "hi")).statusCode(404);
        as(TestTokens.viewer()).body(Map.of("title", "x")).post("/api/conversations").then().statusCode(403);
        as(owner).get("/api/conversations/" + id).then().body("messages", is(List.of()));
    }

    @Test
    void badInputIsAProblemNamingTheField() {
        as(owner).body(Map.of("title", "   ")).post("/api/conversations").then().statusCode(400)
                .contentType(PROBLEM).body("errors.field", hasItem(containsString("title")));
        as(owner).body("{\"title\":\"x\",\"bogus\":1}").post("/api/conversations").then().statusCode(400);
        as(owner).get("/api/conversations?status=deleted").then().statusCode(400);
        as(owner).get("/api/conversations?limit=0").then().statusCode(400);
        as(owner).get("/api/conversations?cursor=nonsense").then().statusCode(400);
        as(owner).get("/api/conversations/not-a-uuid").then().statusCode(404);
    }

    @Test
    void renamingAndArchivingAreTheOwnersAndAnArchivedConversationIsReadOnly() {
        UUID id = conversation(owner);
        as(stranger).body(Map.of("title", "mine")).patch("/api/conversations/" + id).then().statusCode(404);
        as(owner).body(Map.of("title", "Renamed")).patch("/api/conversations/" + id).then().statusCode(200)
                .body("title", is("Renamed")).body("lastEventId", is(1));
        as(owner).delete("/api/conversations/" + id).then().statusCode(204);
        as(owner).get("/api/conversations/" + id).then().statusCode(200)
                .body("conversation.status", is("archived")).body("conversation.archivedAt", notNullValue());
        ChatApi.post(owner, id, Map.of("content", "late")).statusCode(409).contentType(PROBLEM);
        as(owner).get("/api/conversations").then().body("items.id", not(hasItem(id.toString())));
        as(owner).get("/api/conversations?status=archived").then().body("items.id", hasItem(id.toString()));
        as(owner).body(Map.of("status", "active")).patch("/api/conversations/" + id).then().statusCode(200)
                .body("status", is("active")).body("archivedAt", nullValue());
        message(owner, id, "back again");
    }

    @Test
    void listsPageWithACursorNewestFirstWithoutRepeats() {
        UUID me = UUID.randomUUID();
        String token = TestTokens.developer(me);
        UUID first = conversation(token, Map.of("title", "one"));
        UUID second = conversation(token, Map.of("title", "two"));
        UUID third = conversation(token, Map.of("title", "three"));
        String cursor = as(token).get("/api/conversations?limit=2").then().statusCode(200)
                .body("items.id", contains(third.toString(), second.toString()))
                .body("nextCursor", notNullValue()).extract().path("nextCursor");
        as(token).queryParam("cursor", cursor).get("/api/conversations?limit=2").then().statusCode(200)
                .body("items.id", contains(first.toString())).body("nextCursor", nullValue());
    }
}
