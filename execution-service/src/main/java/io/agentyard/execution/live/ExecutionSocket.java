package io.agentyard.execution.live;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.execution.execution.ExecutionDtos;
import io.agentyard.execution.execution.ExecutionService;
import io.agentyard.execution.execution.ExecutionStatus;
import io.agentyard.shared.health.Stopping;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.agentyard.shared.web.StreamFollowers;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.PathParam;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET ws /api/executions/{id}/live}: one execution's status changes, steps and the worker's
 * activity, live, for whoever may read the execution (the AgentDB9 notes' activity feed).
 * <p>
 * Authentication is the REST API's: a bearer token on the upgrade request, in the
 * {@code Authorization} header or, for browsers (which cannot set headers on a WebSocket), as the
 * subprotocol {@code quarkus-http-upgrade#Authorization#Bearer <token>} (URI-encoded) offered next
 * to {@code bearer-token-carrier}, the subprotocol the server then selects. No token or a bad one
 * ends the handshake with 401, a role outside the API's with 403; no socket is opened.
 * <p>
 * Once open, every frame is a JSON text {@code {"kind": ..., "executionId": ..., "data": ...}}:
 * first {@code snapshot} (the execution as {@code GET /api/executions/{id}} shows it), then each
 * {@code status}, {@code step} and {@code activity} message in the order this replica receives it.
 * The socket listens before it reads the snapshot, so nothing is missed between the two; a message
 * may repeat what the snapshot already shows. After a final status the server closes with 1000.
 * The server closes with {@code 4000 + the status the REST API would answer} when it will not
 * follow: 4400 (the id is not a UUID), 4404 (no such execution, or one the caller may not read:
 * the two are not told apart, as in the REST API); 1011 when the execution cannot be read (the
 * database is down). The close reason is the problem's detail.
 * A stopping replica closes every socket with 1001 (going away) as its shutdown begins, and any
 * that opens meanwhile at once: the client reconnects to a replica still running. An open socket
 * would otherwise hold the HTTP drain until its timeout and then be cut.
 * Nothing of the execution is sent before the caller has been allowed to read it.
 * The socket takes no messages from the client.
 */
@WebSocket(path = "/api/executions/{id}/live")
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE, Roles.WORKER})
public class ExecutionSocket {

    private static final Logger LOG = Logger.getLogger(ExecutionSocket.class);

    /** The socket's path as a Vert.x route ({@link HandshakeFailures}). */
    static final String ROUTE = "/api/executions/:id/live";
    /** The kind of the first frame. */
    public static final String SNAPSHOT = "snapshot";
    /** RFC 6455's "going away": the server is stopping. */
    static final int GOING_AWAY = 1001;
    /** Close codes above this are {@code 4000 + an HTTP status}. */
    public static final int PROBLEM_CLOSE_BASE = 4000;
    /** A close reason is at most 123 bytes (RFC 6455, 5.5). */
    private static final int MAX_REASON_CHARS = 120;
    private static final UserData.TypedKey<Follower> FOLLOWER = new UserData.TypedKey<>("execution-follower");
    private static final UserData.TypedKey<Runnable> COUNTED = new UserData.TypedKey<>("execution-follower-counted");

    /** One frame as the client receives it. */
    public record Frame(String kind, UUID executionId, Object data) {
    }

    private final ExecutionService executions;
    private final LiveFeed live;
    private final ObjectMapper json;
    private final CurrentIdentityAssociation identity;
    private final StreamFollowers followers;
    private final OpenConnections connections;
    private final Stopping stopping;

    ExecutionSocket(ExecutionService executions, LiveFeed live, ObjectMapper json, CurrentIdentityAssociation identity,
                    StreamFollowers followers, OpenConnections connections, Stopping stopping) {
        this.stopping = stopping;
        this.followers = followers;
        this.connections = connections;
        this.executions = executions;
        this.live = live;
        this.json = json;
        this.identity = identity;
    }

    void declare(@Observes StartupEvent event) {
        followers.declare(StreamFollowers.WEBSOCKET, ROUTE);
    }

    /** Closes every open socket with 1001; sockets that open from now on are closed at once. */
    void closeAll(@Observes Stopping.Began event) {
        connections.forEach(connection -> goAway(connection).subscribe().with(ok -> { }, failure -> { }));
    }

    @OnOpen
    Uni<Void> open(WebSocketConnection connection, @PathParam("id") String id) {
        connection.userData().put(COUNTED, followers.open(StreamFollowers.WEBSOCKET, ROUTE));
        if (stopping.now()) {
            return goAway(connection);
        }
        UUID executionId;
        try {
            executionId = UUID.fromString(id);
        } catch (IllegalArgumentException malformed) {
            return close(connection, ProblemException.invalidField("id", "is not a UUID"));
        }
        // listen first, then read: whatever happens after the snapshot's read is already held here
        Follower follower = new Follower(connection, executionId);
        follower.subscription = live.follow(executionId, follower::accept);
        connection.userData().put(FOLLOWER, follower);
        return identity.getDeferredIdentity()
                .map(ExecutionSocket::caller)
                .chain(caller -> executions.readable(caller, executionId))
                .invoke(execution -> follower.start(ExecutionDtos.ExecutionResponse.from(execution)))
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    follower.stop();
                    return close(connection, failure);
                });
    }

    @OnClose
    void closed(WebSocketConnection connection) {
        Runnable counted = connection.userData().get(COUNTED);
        if (counted != null) {
            counted.run();
        }
        Follower follower = connection.userData().get(FOLLOWER);
        if (follower != null) {
            follower.stop();
        }
    }

    private static Caller caller(SecurityIdentity identity) {
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            return Caller.from(token);
        }
        throw ProblemException.unauthorized("not an access token");
    }

    private static Uni<Void> close(WebSocketConnection connection, Throwable failure) {
        CloseReason reason;
        if (failure instanceof ProblemException problem) {
            reason = new CloseReason(PROBLEM_CLOSE_BASE + problem.status(), truncate(problem.getMessage()));
        } else {
            LOG.warnf("Live socket of execution %s failed: %s", connection.pathParam("id"), failure.toString());
            reason = new CloseReason(CloseReason.INTERNAL_SERVER_ERROR.getCode(), "internal error");
        }
        return connection.close(reason).onFailure().recoverWithNull();
    }

    private static Uni<Void> goAway(WebSocketConnection connection) {
        return connection.close(new CloseReason(GOING_AWAY, "server stopping: reconnect")).onFailure().recoverWithNull();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS);
    }

    /**
     * One connection's place in the live feed. Until the snapshot is sent it holds what arrives;
     * then it sends the snapshot, what it held, and from then on each message as it comes. Sends
     * are started one after another under this object's lock, and Vert.x writes a socket's frames
     * in the order they were started, whichever thread starts them.
     */
    private final class Follower {

        private final WebSocketConnection connection;
        private final UUID executionId;
        private List<LiveFeed.Message> held = new ArrayList<>();
        private boolean ended;
        volatile AutoCloseable subscription;

        Follower(WebSocketConnection connection, UUID executionId) {
            this.connection = connection;
            this.executionId = executionId;
        }

        synchronized void accept(LiveFeed.Message message) {
            if (LiveFeed.LOGS.equals(message.kind()) || ended) {
                return; // log lines have their own stream (GET /api/executions/{id}/logs/stream)
            }
            if (held != null) {
                held.add(message);
            } else {
                forward(message);
            }
        }

        synchronized void start(ExecutionDtos.ExecutionResponse snapshot) {
            if (ended) {
                return;
            }
            send(new Frame(SNAPSHOT, executionId, snapshot));
            List<LiveFeed.Message> backlog = held;
            held = null;
            if (snapshot.status().isFinal()) {
                end();
                return;
            }
            for (LiveFeed.Message message : backlog) {
                forward(message);
                if (ended) {
                    return;
                }
            }
        }

        private void forward(LiveFeed.Message message) {
            send(new Frame(message.kind(), message.executionId(), message.data()));
            if (LiveFeed.STATUS.equals(message.kind()) && isFinal(message.data())) {
                end();
            }
        }

        /** The run is over: nothing more will come; the client is told so with a normal close. */
        private void end() {
            ended = true;
            stop();
            connection.close(new CloseReason(CloseReason.NORMAL.getCode(), "execution finished"))
                    .subscribe().with(ok -> { }, failure -> { });
        }

        private void send(Frame frame) {
            String text;
            try {
                text = json.writeValueAsString(frame);
            } catch (JsonProcessingException e) {
                LOG.warnf("Live frame %s of %s not sent: %s", frame.kind(), executionId, e.getMessage());
                return;
            }
            connection.sendText(text).subscribe().with(ok -> { },
                    failure -> LOG.debugf("Live frame %s of %s not delivered: %s", frame.kind(), executionId,
                            failure.getMessage()));
        }

        synchronized void stop() {
            ended = true;
            held = null;
            AutoCloseable registered = subscription;
            subscription = null;
            if (registered != null) {
                try {
                    registered.close();
                } catch (Exception e) {
                    LOG.debugf("Leaving the live feed of %s: %s", executionId, e.getMessage());
                }
            }
        }

        private boolean isFinal(JsonNode data) {
            try {
                return data != null && ExecutionStatus.valueOf(data.path("status").asText()).isFinal();
            } catch (IllegalArgumentException unknown) {
                return false;
            }
        }
    }
}
