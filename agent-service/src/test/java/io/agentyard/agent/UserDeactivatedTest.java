package io.agentyard.agent;

import static io.agentyard.agent.AgentsTest.as;
import static io.agentyard.agent.AgentsTest.agent;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventJson;
import io.agentyard.shared.events.EventsConfig;
import io.agentyard.shared.events.IdentityEvents;
import io.agentyard.shared.events.Uuids;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * End to end through Redis: a {@code user.deactivated} event on identity-service's stream makes
 * that user's agents inactive, once, however often it is delivered.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class UserDeactivatedTest {

    @Inject
    RedisDataSource redis;

    @Inject
    EventsConfig events;

    @Inject
    AgroalDataSource database;

    @Test
    void aDeactivatedUsersAgentsBecomeInactive() {
        UUID user = UUID.randomUUID();
        String token = TestTokens.developer(user);
        String first = as(token).body(agent("First")).post("/api/agents").then().statusCode(201).extract().path("id");
        String second = as(token).body(agent("Second")).post("/api/agents").then().statusCode(201).extract().path("id");
        UUID bystander = UUID.randomUUID();
        String other = as(TestTokens.developer(bystander)).body(agent("Unrelated")).post("/api/agents")
                .then().statusCode(201).extract().path("id");

        EventEnvelope deactivated = new EventEnvelope(Uuids.timeOrdered(), IdentityEvents.USER_DEACTIVATED,
                IdentityEvents.SOURCE, user.toString(), Instant.now(), 1,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                JsonNodeFactory.instance.objectNode().put("userId", user.toString()));
        String stream = events.streamOf(IdentityEvents.SOURCE);
        Map<String, String> entry = Map.of("type", deactivated.type(), "envelope", EventJson.write(deactivated));
        redis.stream(String.class).xadd(stream, entry);
        redis.stream(String.class).xadd(stream, entry); // a redelivery changes nothing

        String admin = TestTokens.admin();
        Eventually.await(Duration.ofSeconds(15), "both agents inactive", () ->
                Boolean.FALSE.equals(as(admin).get("/api/agents/" + first).then().extract().path("active"))
                        && Boolean.FALSE.equals(as(admin).get("/api/agents/" + second).then().extract().path("active")));
        as(admin).get("/api/agents/" + other).then().statusCode(200).body("active", is(true));
        Eventually.await(Duration.ofSeconds(10), "both copies consumed", () -> count(
                "select count(*) from agent.processed_events where event_id = '" + deactivated.id() + "'") == 1
                && count("select count(*) from agent.outbox where event_type = 'agent.deactivated'"
                        + " and subject_id in ('" + first + "', '" + second + "')") == 2);
        sleep(500);
        assertEquals(2, count("select count(*) from agent.outbox where event_type = 'agent.deactivated'"
                + " and subject_id in ('" + first + "', '" + second + "')"), "applied once");
    }

    private long count(String sql) {
        try (var connection = database.getConnection(); var statement = connection.createStatement();
             var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
