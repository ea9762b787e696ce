package io.agentyard.task;

import static io.restassured.RestAssured.given;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Test helpers that speak task-service's API and peek at its tables. */
@ApplicationScoped
public class TaskApi {

    public static final String PROBLEM = "application/problem+json";

    final AgroalDataSource database;

    TaskApi(AgroalDataSource database) {
        this.database = database;
    }

    public static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).auth().oauth2(token);
    }

    public static Map<String, Object> task(String type, String permission) {
        Map<String, Object> body = new HashMap<>();
        body.put("title", "Task " + UUID.randomUUID().toString().substring(0, 6));
        body.put("taskType", type);
        body.put("permissionLevel", permission);
        return body;
    }

    public static String create(String token, Map<String, Object> body) {
        return as(token).body(body).post("/api/tasks").then().statusCode(201).extract().path("id");
    }

    public static String status(String token, String taskId) {
        return as(token).get("/api/tasks/" + taskId).then().statusCode(200).extract().path("status");
    }

    /** A worker task-service knows of (as if agent-service had announced it); returns its token. */
    public String worker(UUID id, String type, int slots) {
        execute("insert into task.workers (id, worker_type, max_concurrent_tasks, status) values ('" + id + "', '"
                + type + "', " + slots + ", 'idle')");
        return TestTokens.worker(id);
    }

    /** Tests of one run share a database: takes orders earlier tests left on {@code queue} off it. */
    public void emptyQueue(String queue) {
        execute("update task.work_orders set status = 'failed' where queue_name = '" + queue + "' and status = 'pending'");
    }

    /** The id of the task's (latest) work order. */
    public String orderOf(String taskId) {
        try (var connection = database.getConnection();
             var statement = connection.prepareStatement("select id from task.work_orders where task_id = ?"
                     + " order by enqueued_at desc limit 1")) {
            statement.setObject(1, UUID.fromString(taskId));
            try (var rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Map<String, Object>> claim(String workerToken, List<String> queues, int max, int waitSeconds) {
        return as(workerToken).body(Map.of("queues", queues, "max", max, "waitSeconds", waitSeconds))
                .post("/api/work-orders/claim").then().statusCode(200).extract().jsonPath().getList("$");
    }

    /** A connection of its own, for a test that holds a transaction open beside the service. */
    public java.sql.Connection connection() throws SQLException {
        return database.getConnection();
    }

    public long count(String sql) {
        try (var connection = database.getConnection(); var statement = connection.createStatement();
             var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void execute(String sql) {
        try (var connection = database.getConnection(); var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
