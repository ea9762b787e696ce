package io.agentyard.identity;

import static io.agentyard.identity.IdentityApi.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventTracing;
import io.agentyard.shared.events.IdentityEvents;
import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.events.OutboxRelay;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/** The transactional outbox and its relay to identity-service's Redis stream. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class OutboxTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    final IdentityApi api = new IdentityApi();

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    EventStreams streams;

    @Inject
    AgroalDataSource database;

    @Test
    void registrationRecordsUserRegisteredAndTheRelayPublishesIt() {
        String username = uniqueName("evt");
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        String id = api.request().header("traceparent", traceparent)
                .body(Map.of("username", username, "email", username + "@example.com", "password", IdentityApi.PASSWORD))
                .post("/api/auth/register").then().statusCode(201).extract().path("id");

        assertEquals(List.of(IdentityEvents.USER_REGISTERED), outboxTypes(id));
        Eventually.await(WAIT, "user.registered on the stream", () -> eventsAbout(id).size() == 1);
        EventEnvelope event = eventsAbout(id).get(0);
        assertEquals(IdentityEvents.USER_REGISTERED, event.type());
        assertEquals("identity", event.source());
        assertEquals(1, event.schemaVersion());
        // the caller's trace, written in the request's server span (a child of the caller's span)
        assertEquals("0af7651916cd43dd8448eb211c80319c", EventTracing.spanContextOf(event.traceparent()).getTraceId());
        assertNotEquals(traceparent, event.traceparent());
        assertEquals(7, event.id().version(), "event ids are time-ordered UUIDs");
        IdentityEvents.UserRegistered data = event.data(IdentityEvents.UserRegistered.class);
        assertEquals(UUID.fromString(id), data.userId());
        assertEquals(username, data.username());
        assertEquals("developer", data.role());
        Eventually.await(WAIT, "row marked published", () -> unpublished(id) == 0);
    }

    @Test
    void anEventRolledBackWithItsTransactionDoesNotExist() throws Throwable {
        String subject = UUID.randomUUID().toString();
        RuntimeException boom = assertThrows(RuntimeException.class, () -> VertxContextSupport.subscribeAndAwait(
                () -> Panache.withTransaction(() -> outbox.record("test.rolled_back", subject, Map.of("n", 1))
                        .chain(() -> Uni.createFrom().failure(new RuntimeException("boom"))))));
        assertEquals("boom", boom.getMessage());
        assertEquals(List.of(), outboxTypes(subject));

        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> outbox.record("test.committed", subject, Map.of("n", 2))));
        assertEquals(List.of("test.committed"), outboxTypes(subject));
        Eventually.await(WAIT, "only the committed event is published", () -> eventsAbout(subject).size() == 1);
        assertEquals("test.committed", eventsAbout(subject).get(0).type());
    }

    @Test
    void recordingOutsideATransactionIsRefused() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> VertxContextSupport
                .subscribeAndAwait(() -> Panache.withSession(() -> outbox.record("test.orphan", "x", Map.of()))));
        assertTrue(refused.getMessage().contains("must run inside a transaction"));
    }

    @Test
    void theRelayPublishesInCommitOrder() throws Throwable {
        String subject = UUID.randomUUID().toString();
        for (int batch = 0; batch < 5; batch++) {
            int first = batch * 10;
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (int n = first; n < first + 10; n++) {
                    int sequence = n;
                    chain = chain.chain(() -> outbox.record("test.ordered", subject, Map.of("n", sequence))
                            .replaceWithVoid());
                }
                return chain;
            }));
        }
        Eventually.await(WAIT, "50 ordered events", () -> eventsAbout(subject).size() == 50);
        List<Integer> order = new ArrayList<>();
        for (EventEnvelope event : eventsAbout(subject)) {
            order.add(event.data().get("n").asInt());
        }
        List<Integer> expected = new ArrayList<>();
        for (int n = 0; n < 50; n++) {
            expected.add(n);
        }
        assertEquals(expected, order);
    }

    @Test
    void relaysRacingLikeReplicasNeverPublishARowTwice() throws Throwable {
        String subject = UUID.randomUUID().toString();
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (int n = 0; n < 600; n++) {
                int sequence = n;
                chain = chain.chain(() -> outbox.record("test.raced", subject, Map.of("n", sequence)).replaceWithVoid());
            }
            return chain;
        }));
        // four extra "replicas" drain the outbox beside the service's own relay
        List<Thread> replicas = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            Thread replica = new Thread(() -> {
                for (int round = 0; round < 20; round++) {
                    relay.publishBatch().await().atMost(Duration.ofSeconds(10));
                }
            });
            replica.start();
            replicas.add(replica);
        }
        for (Thread replica : replicas) {
            replica.join();
        }
        Eventually.await(WAIT, "600 raced events", () -> eventsAbout(subject).size() >= 600);
        List<EventEnvelope> events = eventsAbout(subject);
        assertEquals(600, events.size(), "each row published once");
        for (int n = 0; n < 600; n++) {
            assertEquals(n, events.get(n).data().get("n").asInt(), "in order");
        }
    }

    @Test
    void adminActionsPublishTheirEvents() {
        java.util.Map<String, String> dev = api.newDeveloper();
        String id = dev.get("id");
        String admin = api.adminToken();
        api.as(dev.get("accessToken")).body(Map.of("fullName", "Evt Person")).patch("/api/auth/profile")
                .then().statusCode(200);
        api.as(admin).body(Map.of("role", "viewer")).put("/api/users/" + id + "/role").then().statusCode(200);
        api.as(admin).body(Map.of("role", "viewer")).put("/api/users/" + id + "/role").then().statusCode(200);
        api.as(admin).post("/api/users/" + id + "/deactivate").then().statusCode(200);
        api.as(admin).post("/api/users/" + id + "/deactivate").then().statusCode(200);

        List<String> expected = List.of(IdentityEvents.USER_REGISTERED, IdentityEvents.USER_UPDATED,
                IdentityEvents.USER_ROLE_CHANGED, IdentityEvents.USER_DEACTIVATED);
        Eventually.await(WAIT, "the user's four events", () -> eventsAbout(id).size() == expected.size());
        List<EventEnvelope> events = eventsAbout(id);
        assertEquals(expected, events.stream().map(EventEnvelope::type).toList(),
                "no event for changes that changed nothing");
        assertEquals("Evt Person", events.get(1).data(IdentityEvents.UserUpdated.class).fullName());
        IdentityEvents.UserRoleChanged roleChanged = events.get(2).data(IdentityEvents.UserRoleChanged.class);
        assertEquals("developer", roleChanged.previousRole());
        assertEquals("viewer", roleChanged.role());
        assertEquals(UUID.fromString(id), events.get(3).data(IdentityEvents.UserDeactivated.class).userId());
    }

    @Test
    void relayMetricsAreExposed() {
        api.register(uniqueName("metric"));
        Eventually.await(WAIT, "a published event counted", () -> api.request().get("/q/metrics").asString()
                .contains("agentyard_events_published_total"));
        api.request().get("/q/metrics").then().statusCode(200)
                .body(containsString("agentyard_outbox_backlog"))
                .body(containsString("agentyard_outbox_lag_seconds"))
                .body(containsString("agentyard_events_pending"));
    }

    private List<EventEnvelope> eventsAbout(String subject) {
        return streams.identityEvents().stream().filter(e -> subject.equals(e.subjectId())).toList();
    }

    private List<String> outboxTypes(String subject) {
        return query("select event_type from identity.outbox where subject_id = ? order by seq", subject);
    }

    private int unpublished(String subject) {
        return query("select id from identity.outbox where subject_id = ? and published_at is null", subject).size();
    }

    private List<String> query(String sql, String subject) {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, subject);
            try (ResultSet rows = statement.executeQuery()) {
                List<String> values = new ArrayList<>();
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
                return values;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
