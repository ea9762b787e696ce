package io.agentyard.chat;

import static io.agentyard.chat.DocumentsApi.PATH;
import static io.agentyard.chat.DocumentsApi.PROBLEM;
import static io.agentyard.chat.DocumentsApi.as;
import static io.agentyard.chat.DocumentsApi.create;
import static io.agentyard.chat.DocumentsApi.document;
import static io.agentyard.chat.DocumentsApi.uniqueWord;
import static io.agentyard.chat.DocumentsApi.update;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Context documents: versioned, optimistic about concurrent edits, searchable, written only by who may. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class ContextDocumentsTest {

    @Inject
    DocumentsApi api;

    final UUID authorId = UUID.randomUUID();
    final String author = TestTokens.developer(authorId);

    @Test
    void aCreatedDocumentIsReadBackWithItsFirstVersionAndETag() {
        Map<String, Object> body = document("  Release plan  ", "# Release\n\nShip it on **Friday**.",
                " Kubernetes ", "kubernetes", "OPS", "ops ");
        body.put("documentType", "plan");
        body.put("repositoryUrl", "git@github.com:acme/app.git");
        body.put("metadata", Map.of("source", "wiki", "reviewers", List.of("ann", "bob")));

        Response created = as(author).body(body).post(PATH);
        created.then().statusCode(201)
                .header("Location", containsString(PATH + "/"))
                .header("ETag", is("\"1\""))
                .body("title", is("Release plan"))
                .body("documentType", is("plan"))
                .body("content", is("# Release\n\nShip it on **Friday**."))
                .body("repositoryUrl", is("git@github.com:acme/app.git"))
                .body("tags", is(List.of("kubernetes", "ops")))
                .body("metadata.source", is("wiki"))
                .body("metadata.reviewers", is(List.of("ann", "bob")))
                .body("createdBy", is(authorId.toString()))
                .body("createdAt", notNullValue())
                .body("updatedAt", notNullValue())
                .body("version", is(1));
        String id = created.path("id");
        assertTrue(created.header("Location").endsWith(PATH + "/" + id));

        as(TestTokens.viewer()).get(created.header("Location")).then().statusCode(200)
                .header("ETag", is("\"1\""))
                .body("id", is(id)).body("title", is("Release plan")).body("tags", is(List.of("kubernetes", "ops")))
                .body("version", is(1));
        as(author).get(PATH + "/" + id + "/versions/1").then().statusCode(200)
                .body("documentId", is(id)).body("version", is(1)).body("editedBy", is(authorId.toString()))
                .body("content", is("# Release\n\nShip it on **Friday**."));
        assertEquals(List.of(1), api.storedVersions(id));
    }

    @Test
    void invalidDocumentsAreRefusedWithProblemsAndNothingIsStored() {
        String title = "invalid " + uniqueWord();
        Map<String, Object> missing = new HashMap<>(Map.of("content", "text"));
        as(author).body(missing).post(PATH).then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("title")).body("errors.field", hasItem("documentType"));

        Map<String, Object> bad = document(title, "   ");
        bad.put("repositoryUrl", "not a url");
        bad.put("documentType", "novel");
        as(author).body(bad).post(PATH).then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("documentType"));
        bad.put("documentType", "design");
        as(author).body(bad).post(PATH).then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("content")).body("errors.field", hasItem("repositoryUrl"));

        for (String url : List.of("ftp://example.com/repo", "file:///srv/repo", "https://", "javascript:alert(1)")) {
            Map<String, Object> wrongUrl = document(title, "text");
            wrongUrl.put("repositoryUrl", url);
            as(author).body(wrongUrl).post(PATH).then().statusCode(400).body("errors.field", hasItem("repositoryUrl"));
        }
        as(author).body(document("x".repeat(256), "text")).post(PATH).then().statusCode(400)
                .body("errors.field", hasItem("title"));
        as(author).body(document(title, "text", "a".repeat(51))).post(PATH).then().statusCode(400)
                .contentType(PROBLEM).body("errors.field", hasItem("tags[0]"));
        as(author).body(document(title, "text", "ok", " ")).post(PATH).then().statusCode(400)
                .body("errors.field", hasItem("tags[1]"));
        as(author).body(document(title, "text", "a,b")).post(PATH).then().statusCode(400);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            many.add("tag" + i);
        }
        Map<String, Object> tooManyTags = document(title, "text");
        tooManyTags.put("tags", many);
        as(author).body(tooManyTags).post(PATH).then().statusCode(400).body("errors.field", hasItem("tags"));
        Map<String, Object> unknownField = document(title, "text");
        unknownField.put("colour", "red");
        as(author).body(unknownField).post(PATH).then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("colour"));
        as(author).body("{\"title\": ").post(PATH).then().statusCode(400).contentType(PROBLEM);

        // content is bounded in bytes of UTF-8 (512 KiB): one byte too many is a 413 that says so
        as(author).body(document(title, "a".repeat(512 * 1024 + 1))).post(PATH).then().statusCode(413)
                .contentType(PROBLEM).body("detail", containsString("at most 524288"));
        as(author).body(document(title, "é".repeat(256 * 1024 + 1))).post(PATH).then().statusCode(413);

        assertEquals(0, api.count("select count(*) from chat.context_documents where title = ?", title));
        assertEquals(0, api.count("select count(*) from chat.context_document_versions where title = ?", title));

        // the largest content allowed is stored and indexed, even made of distinct short words (the
        // hardest text for the search vector's size)
        StringBuilder distinct = new StringBuilder();
        for (int i = 0; distinct.length() + 5 <= 512 * 1024; i++) {
            distinct.append(Integer.toString(46656 + i, 36)).append(' ');
        }
        String id = create(author, document(title + " big", distinct.toString()));
        as(author).get(PATH + "/" + id).then().statusCode(200).body("version", is(1));
        as(author).queryParam("q", Integer.toString(46656 + 1000, 36)).get(PATH).then().statusCode(200)
                .body("items.id", hasItem(id));
    }

    @Test
    void everyUpdateMakesANewVersionAndEarlierOnesStayReadable() {
        String id = create(author, document("Runbook", "Restart the pods.", "runbook"));

        update(author, id, 1, Map.of("content", "Drain the node, then restart the pods.")).then().statusCode(200)
                .header("ETag", is("\"2\""))
                .body("version", is(2))
                .body("content", is("Drain the node, then restart the pods."))
                .body("title", is("Runbook")).body("tags", is(List.of("runbook")));
        // If-Match carries the version just as well
        as(author).header("If-Match", "\"2\"").body(Map.of("title", "Runbook (v3)", "tags", List.of(),
                        "repositoryUrl", "https://github.com/acme/ops"))
                .patch(PATH + "/" + id).then().statusCode(200)
                .header("ETag", is("\"3\"")).body("version", is(3)).body("title", is("Runbook (v3)"))
                .body("tags", is(List.of())).body("repositoryUrl", is("https://github.com/acme/ops"))
                .body("content", is("Drain the node, then restart the pods."));
        update(author, id, 3, Map.of("repositoryUrl", "")).then().statusCode(200)
                .body("version", is(4)).body("repositoryUrl", nullValue());

        as(author).get(PATH + "/" + id).then().statusCode(200).header("ETag", is("\"4\"")).body("version", is(4));
        as(author).get(PATH + "/" + id + "/versions/1").then().statusCode(200)
                .body("version", is(1)).body("title", is("Runbook")).body("content", is("Restart the pods."))
                .body("tags", is(List.of("runbook")));
        as(author).get(PATH + "/" + id + "/versions/3").then().statusCode(200)
                .body("title", is("Runbook (v3)")).body("repositoryUrl", is("https://github.com/acme/ops"));
        as(author).get(PATH + "/" + id + "/versions/5").then().statusCode(404).contentType(PROBLEM);

        JsonPath first = as(author).queryParam("limit", 3).get(PATH + "/" + id + "/versions").then().statusCode(200)
                .body("items[0].content", nullValue())
                .body("items[0].contentBytes", is("Drain the node, then restart the pods.".length()))
                .body("items[3]", nullValue())
                .extract().jsonPath();
        assertEquals(List.of(4, 3, 2), first.getList("items.version"));
        as(author).queryParam("limit", 3).queryParam("cursor", first.getString("nextCursor"))
                .get(PATH + "/" + id + "/versions").then().statusCode(200)
                .body("items.version", is(List.of(1))).body("nextCursor", nullValue());
        assertEquals(List.of(1, 2, 3, 4), api.storedVersions(id));

        // an update must change something and must say which version it changes
        update(author, id, 4, Map.of()).then().statusCode(400).contentType(PROBLEM);
        as(author).body(Map.of("title", "No version")).patch(PATH + "/" + id).then().statusCode(428)
                .contentType(PROBLEM).body("detail", containsString("If-Match"));
        as(author).header("If-Match", "W/\"4\"").body(Map.of("title", "Weak")).patch(PATH + "/" + id).then()
                .statusCode(400);
        as(author).header("If-Match", "\"4\"").body(Map.of("version", 3, "title", "Two versions"))
                .patch(PATH + "/" + id).then().statusCode(400).body("errors.field", hasItem("version"));
        update(author, id, 4, Map.of("content", " ")).then().statusCode(400).body("errors.field", hasItem("content"));
        update(author, id, 4, Map.of("title", "")).then().statusCode(400).body("errors.field", hasItem("title"));
        update(author, UUID.randomUUID().toString(), 1, Map.of("title", "Nobody")).then().statusCode(404)
                .contentType(PROBLEM);
        assertEquals(List.of(1, 2, 3, 4), api.storedVersions(id));
    }

    @Test
    void anUpdateFromAStaleVersionIsRefusedNamingTheCurrentOneAndWritesNothing() {
        String id = create(author, document("ADR 7", "We pick PostgreSQL."));
        update(author, id, 1, Map.of("content", "We pick PostgreSQL 16.")).then().statusCode(200);

        update(author, id, 1, Map.of("content", "We pick MySQL.")).then().statusCode(409).contentType(PROBLEM)
                .header("ETag", is("\"2\""))
                .body("type", endsWith("/version-conflict"))
                .body("status", is(409))
                .body("currentVersion", is(2))
                .body("detail", containsString("version 2"))
                .body("instance", is(PATH + "/" + id));
        as(author).header("If-Match", "\"1\"").body(Map.of("content", "We pick MySQL.")).patch(PATH + "/" + id)
                .then().statusCode(412).contentType(PROBLEM).header("ETag", is("\"2\"")).body("currentVersion", is(2));

        as(author).get(PATH + "/" + id).then().body("version", is(2)).body("content", is("We pick PostgreSQL 16."));
        assertEquals(List.of(1, 2), api.storedVersions(id));
    }

    @Test
    void twoUpdatesFromTheSameVersionAtOnceGiveOneNewVersionAndOneConflict() throws Exception {
        String id = create(author, document("Race", "v1"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Both updates read version 1 while another writer holds the row, so both pass the
            // service's check; the statement then lets only one of them write version 2.
            Connection holder = api.lockRow(id);
            List<Future<Response>> racing = List.of(
                    pool.submit(() -> update(author, id, 1, Map.of("content", "from A"))),
                    pool.submit(() -> update(author, id, 1, Map.of("content", "from B"))));
            Eventually.await(Duration.ofSeconds(10), "both updates waiting for the row",
                    () -> api.updatesWaitingForALock() == 2);
            holder.commit();
            holder.close();
            List<Response> answers = new ArrayList<>();
            for (Future<Response> answer : racing) {
                answers.add(answer.get(10, TimeUnit.SECONDS));
            }
            assertEquals(List.of(200, 409), answers.stream().map(Response::statusCode).sorted().toList());
            Response winner = answers.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
            Response loser = answers.stream().filter(r -> r.statusCode() == 409).findFirst().orElseThrow();
            assertEquals(2, (int) loser.path("currentVersion"));
            as(author).get(PATH + "/" + id).then().body("version", is(2))
                    .body("content", is((String) winner.path("content")));
            assertEquals(List.of(1, 2), api.storedVersions(id));

            // and free-running: each round, two updates from the current version, exactly one wins
            for (int round = 0; round < 8; round++) {
                int from = 2 + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> pair = new ArrayList<>();
                for (String who : List.of("A", "B")) {
                    pair.add(pool.submit(() -> {
                        start.await();
                        return update(author, id, from, Map.of("content", who + " in round " + from)).statusCode();
                    }));
                }
                start.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> status : pair) {
                    statuses.add(status.get(10, TimeUnit.SECONDS));
                }
                assertEquals(List.of(200, 409), statuses.stream().sorted().toList(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Integer> expected = new ArrayList<>();
        for (int v = 1; v <= 10; v++) {
            expected.add(v);
        }
        assertEquals(expected, api.storedVersions(id), "one version per successful update, no gap, no duplicate");
        as(author).get(PATH + "/" + id).then().body("version", is(10));
    }

    @Test
    void tagFiltersFindDocumentsHavingEveryGivenTag() {
        String team = uniqueWord();
        String both = create(author, document("Both", "text", team, "Backend", "java"));
        String backendOnly = create(author, document("Backend only", "text", team, "backend"));
        String javaOnly = create(author, document("Java only", "text", team, "java"));
        create(author, document("Other team", "text", uniqueWord(), "backend", "java"));

        as(author).queryParam("tags", team).queryParam("tags", "backend").get(PATH).then().statusCode(200)
                .body("items.id", is(List.of(backendOnly, both))).body("nextCursor", nullValue());
        as(author).queryParam("tags", " " + team.toUpperCase() + ",JAVA ,backend").get(PATH).then().statusCode(200)
                .body("items.id", is(List.of(both)));
        as(TestTokens.worker(UUID.randomUUID())).queryParam("tags", team).get(PATH).then().statusCode(200)
                .body("items.id", is(List.of(javaOnly, backendOnly, both)))
                .body("items[0].content", nullValue())
                .body("items[0].contentBytes", is(4))
                .body("items[0].rank", nullValue());
        as(author).queryParam("tags", team, "java", "go").get(PATH).then().body("items.size()", is(0));
        as(author).queryParam("tags", "x".repeat(51)).get(PATH).then().statusCode(400).contentType(PROBLEM);

        assertTrue(api.tagFilterPlan(team).contains("context_documents_tags_idx"), "the tags filter can use the GIN index");
    }

    @Test
    void listsFilterByTypeRepositoryAndCreatorNewestFirstWithACursor() {
        String tag = uniqueWord();
        UUID otherId = UUID.randomUUID();
        String other = TestTokens.developer(otherId);
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Map<String, Object> body = document("Doc " + i, "text", tag);
            body.put("documentType", i % 2 == 0 ? "design" : "reference");
            body.put("repositoryUrl", i < 2 ? "https://github.com/acme/app" : "ssh://git@github.com/acme/api.git");
            mine.add(create(author, body));
        }
        String theirs = create(other, document("Theirs", "text", tag));

        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            var page = as(author).queryParam("tags", tag).queryParam("limit", 2)
                    .queryParam("cursor", cursor == null ? "" : cursor)
                    .get(PATH).then().statusCode(200).extract().jsonPath();
            paged.addAll(page.getList("items.id"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        List<String> newestFirst = new ArrayList<>(mine);
        newestFirst.add(theirs);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, paged);

        as(author).queryParam("tags", tag).queryParam("type", "DESIGN").get(PATH).then()
                .body("items.id", is(List.of(mine.get(4), mine.get(2), mine.get(0))));
        as(author).queryParam("tags", tag).queryParam("repositoryUrl", "https://github.com/acme/app").get(PATH).then()
                .body("items.id", is(List.of(mine.get(1), mine.get(0))));
        as(author).queryParam("tags", tag).queryParam("createdBy", otherId.toString()).get(PATH).then()
                .body("items.id", is(List.of(theirs)));

        as(author).queryParam("type", "novel").get(PATH).then().statusCode(400).contentType(PROBLEM);
        as(author).queryParam("createdBy", "someone").get(PATH).then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("createdBy"));
        as(author).queryParam("cursor", "not-a-cursor").get(PATH).then().statusCode(400).contentType(PROBLEM);
        as(author).queryParam("limit", 0).get(PATH).then().statusCode(400).contentType(PROBLEM);
        as(author).queryParam("limit", 101).get(PATH).then().statusCode(400);
    }

    @Test
    void searchRanksTitleHitsAboveBodyOnlyHitsWithHighlightedSnippets() {
        String word = uniqueWord();
        String inBody = create(author, document("Operations notes",
                "Before anything else: if a < b && c > d, then " + word + " decides. <b>Bold</b> claims aside."));
        String inTitle = create(author, document("All about " + word, "Nothing else matches here."));
        String inTags = create(author, document("Tagged", "Plain text.", word));

        JsonPath hits = as(TestTokens.viewer()).queryParam("q", word).get(PATH).then().statusCode(200)
                .body("nextCursor", nullValue()).extract().jsonPath();
        assertEquals(List.of(inTitle, inTags, inBody), hits.getList("items.id"), "title (A) > tags (B) > content (C)");
        List<Float> ranks = hits.getList("items.rank", Float.class);
        assertTrue(ranks.get(0) > ranks.get(1) && ranks.get(1) > ranks.get(2), "ranks descend: " + ranks);

        assertEquals("All about <mark>" + word + "</mark>", hits.getString("items[0].titleHighlight"));
        String snippet = hits.getString("items[2].snippet");
        assertTrue(snippet.contains("<mark>" + word + "</mark>"), snippet);
        assertTrue(snippet.contains("a &lt; b &amp;&amp; c &gt; d"), "the text is HTML-escaped: " + snippet);
        assertTrue(!snippet.contains("<b>"), "only <mark> tags: " + snippet);
        assertEquals("Operations notes", hits.getString("items[2].titleHighlight"));

        // english stemming: another form of the word finds it; q may combine with filters
        String tag = uniqueWord();
        String deploying = create(author, document("Rollout", "We are deploying canaries first.", tag));
        as(author).queryParam("q", "deployments").queryParam("tags", tag).get(PATH).then().statusCode(200)
                .body("items.id", is(List.of(deploying)))
                .body("items[0].snippet", containsString("<mark>deploying</mark>"));
        as(author).queryParam("q", word + " -notes").get(PATH).then().body("items.id", not(hasItem(inBody)))
                .body("items.id", hasItem(inTitle));
        as(author).queryParam("q", "\"" + word + " decides\"").get(PATH).then().body("items.id", is(List.of(inBody)));
    }

    @Test
    void searchPagesByRankAndAnyQueryTextIsAccepted() {
        String word = uniqueWord();
        List<String> expected = new ArrayList<>();
        expected.add(create(author, document(word + " in the title", "and " + word + " in the text")));
        expected.add(create(author, document("Twice", word + " and " + word + " again")));
        expected.add(create(author, document("Once", "just " + word)));

        List<String> paged = new ArrayList<>();
        List<Float> ranks = new ArrayList<>();
        String cursor = null;
        do {
            var page = as(author).queryParam("q", word).queryParam("limit", 1)
                    .queryParam("cursor", cursor == null ? "" : cursor)
                    .get(PATH).then().statusCode(200).extract().jsonPath();
            paged.addAll(page.getList("items.id"));
            ranks.addAll(page.getList("items.rank", Float.class));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertEquals(expected, paged, "ranks " + ranks);

        String searchCursor = as(author).queryParam("q", word).queryParam("limit", 1).get(PATH).path("nextCursor");
        as(author).queryParam("cursor", searchCursor).get(PATH).then().statusCode(400).contentType(PROBLEM);

        for (String odd : List.of("\"unclosed", "a OR", "-", "!!! & | <-> :*", "the", "'; drop table x; --", "(((")) {
            as(author).queryParam("q", odd).get(PATH).then().statusCode(200);
        }
        as(author).queryParam("q", "x".repeat(1001)).get(PATH).then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void everyoneReadsOnlyDevelopersAndAdminsWriteAndOnlyTheCreatorOrAnAdminChanges() {
        String id = create(author, document("Shared", "For everyone."));
        String path = PATH + "/" + id;
        for (String reader : List.of(TestTokens.viewer(), TestTokens.worker(UUID.randomUUID()), TestTokens.service(),
                TestTokens.developer(UUID.randomUUID()), TestTokens.admin())) {
            as(reader).get(path).then().statusCode(200);
            as(reader).get(path + "/versions").then().statusCode(200);
            as(reader).queryParam("q", "everyone").get(PATH).then().statusCode(200);
        }
        RestAssured.get(path).then().statusCode(401).contentType(PROBLEM);

        for (String reader : List.of(TestTokens.viewer(), TestTokens.worker(UUID.randomUUID()), TestTokens.service())) {
            as(reader).body(document("Mine now", "text")).post(PATH).then().statusCode(403).contentType(PROBLEM);
            update(reader, id, 1, Map.of("title", "Mine now")).then().statusCode(403).contentType(PROBLEM);
            as(reader).delete(path).then().statusCode(403).contentType(PROBLEM);
        }
        String stranger = TestTokens.developer(UUID.randomUUID());
        update(stranger, id, 1, Map.of("title", "Mine now")).then().statusCode(403).contentType(PROBLEM)
                .body("detail", containsString("creator or an admin"));
        as(stranger).delete(path).then().statusCode(403);
        assertEquals(List.of(1), api.storedVersions(id));

        String admin = TestTokens.admin();
        update(admin, id, 1, Map.of("title", "Edited by an admin")).then().statusCode(200).body("version", is(2))
                .body("createdBy", is(authorId.toString()));
        as(author).get(path + "/versions/2").then().body("editedBy", not(is(authorId.toString())));
        update(author, id, 2, Map.of("content", "Back to the author.")).then().statusCode(200).body("version", is(3));

        as(author).get(PATH + "/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
        as(author).get(PATH + "/not-a-uuid").then().statusCode(404);
        as(author).get(PATH + "/" + UUID.randomUUID() + "/versions").then().statusCode(404).contentType(PROBLEM);
        as(admin).delete(PATH + "/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void deletingADocumentRemovesItAndAllItsVersions() {
        String word = uniqueWord();
        String id = create(author, document("To go " + word, "v1"));
        update(author, id, 1, Map.of("content", "v2")).then().statusCode(200);
        String adminsId = create(author, document("Admin removes " + word, "v1"));
        assertEquals(List.of(1, 2), api.storedVersions(id));

        as(author).delete(PATH + "/" + id).then().statusCode(204);
        as(author).get(PATH + "/" + id).then().statusCode(404);
        as(author).get(PATH + "/" + id + "/versions").then().statusCode(404);
        as(author).get(PATH + "/" + id + "/versions/1").then().statusCode(404);
        as(author).delete(PATH + "/" + id).then().statusCode(404);
        update(author, id, 2, Map.of("content", "v3")).then().statusCode(404);
        assertEquals(List.of(), api.storedVersions(id));

        as(TestTokens.admin()).delete(PATH + "/" + adminsId).then().statusCode(204);
        assertEquals(List.of(), api.storedVersions(adminsId));
        as(author).queryParam("q", word).get(PATH).then().body("items.size()", is(0));
    }
}
