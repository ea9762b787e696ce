package io.agentyard.agent;

import static io.agentyard.agent.AgentsTest.as;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.restassured.response.ValidatableResponse;

/** Test helpers for workers: register as an admin, heartbeat as the worker, read its outbox events. */
@ApplicationScoped
public class WorkerApi {

    final AgroalDataSource database;

    WorkerApi(AgroalDataSource database) {
        this.database = database;
    }

    public String register(String type, int slots, List<Map<String, Object>> capabilities) {
        return as(TestTokens.admin()).body(Map.of("name", "worker-" + UUID.randomUUID().toString().substring(0, 8),
                        "workerType", type, "version", "1.2.3", "maxConcurrentTasks", slots,
                        "capabilities", capabilities))
                .post("/api/workers").then().statusCode(201).extract().path("id");
    }

    public String registerNamed(String name, String type) {
        return as(TestTokens.admin()).body(Map.of("name", name, "workerType", type))
                .post("/api/workers").then().statusCode(201).extract().path("id");
    }

    public ValidatableResponse heartbeat(String id, String status, int load) {
        return as(TestTokens.worker(UUID.fromString(id))).body(Map.of("status", status, "currentLoad", load))
                .post("/api/workers/" + id + "/heartbeat").then().statusCode(200);
    }

    /** The {@code data} of the last outbox event about {@code subject}, as JSON text. */
    public String lastEventData(String subject) {
        try (var connection = database.getConnection();
             var statement = connection.prepareStatement(
                     "select envelope -> 'data' from agent.outbox where subject_id = ? order by seq desc limit 1")) {
            statement.setString(1, subject);
            try (var rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> outboxTypes(String subject) {
        try (var connection = database.getConnection();
             var statement = connection.prepareStatement(
                     "select event_type from agent.outbox where subject_id = ? order by seq")) {
            statement.setString(1, subject);
            try (var rows = statement.executeQuery()) {
                List<String> types = new ArrayList<>();
                while (rows.next()) {
                    types.add(rows.getString(1));
                }
                return types;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
