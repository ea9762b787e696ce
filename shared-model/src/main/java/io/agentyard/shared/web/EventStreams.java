package io.agentyard.shared.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.shared.health.Stopping;
import io.agentyard.shared.problem.Problem;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.reactive.SafeContext;
import io.agentyard.shared.security.Caller;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.core.Vertx;

/**
 * What every Server-Sent Events route of the suite does the same way: authenticate with the REST
 * API's rules, refuse with RFC 9457 problems before the stream starts, write pre-encoded frames,
 * and read where a follower resumes ({@code Last-Event-ID}, or {@code ?after=}).
 * <p>
 * Streams are Vert.x routes rather than JAX-RS methods: the REST layer's SSE writer serialises each
 * event again for every follower, and a stream that fails before its first item leaves a broken 200.
 * A follower whose connection cannot keep up (more than {@value #WRITE_QUEUE_BYTES} bytes unsent)
 * is ended: it reconnects with Last-Event-ID, as EventSource does, and resumes from the database,
 * so a stuck reader never holds more memory.
 * <p>
 * Access is not only checked when a stream starts: every {@code agentyard.streams.recheck-interval}
 * the route's read rule is asked again, and the stream ends when the caller may no longer read
 * (a worker whose task moved on) or when its token expires. The client reconnects, with a fresh
 * token, from {@code Last-Event-ID}, or is refused.
 * <p>
 * A stopping replica ends every stream as its shutdown begins (and any that starts meanwhile, once
 * its headers are out): an open stream would otherwise hold the HTTP drain until its timeout and
 * then be cut. Followers reconnect with Last-Event-ID to a replica still running.
 */
@ApplicationScoped
public class EventStreams {

    private static final Logger LOG = Logger.getLogger(EventStreams.class);
    /** Bytes a follower may have unsent before it is ended (Vert.x's default is 64 KiB). */
    static final int WRITE_QUEUE_BYTES = 8 * 1024 * 1024;

    private static final String EXPIRY = "agentyard.token-expiry";

    private final IdentityProviderManager identities;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final Duration recheck;
    private final StreamFollowers followers;
    /** How to end each open stream, on its own context. */
    private final Set<Runnable> open = ConcurrentHashMap.newKeySet();
    private final Stopping stopping;

    EventStreams(IdentityProviderManager identities, ObjectMapper json, Vertx vertx,
                 @ConfigProperty(name = "agentyard.streams.recheck-interval", defaultValue = "PT30S") Duration recheck,
                 StreamFollowers followers, Stopping stopping) {
        this.stopping = stopping;
        this.followers = followers;
        this.identities = identities;
        this.json = json;
        this.vertx = vertx;
        this.recheck = recheck;
    }

    /** Ends every open stream cleanly; streams that start from now on end at once. */
    void endAll(@Observes Stopping.Began event) {
        if (!open.isEmpty()) {
            LOG.infof("Stopping: ending %d event stream(s); their followers reconnect elsewhere", open.size());
        }
        open.forEach(Runnable::run);
    }

    /** The authenticated caller, if it has one of {@code roles}: 401 without a valid token, 403 otherwise. */
    public Uni<Caller> caller(RoutingContext context, Set<String> roles, String forbidden) {
        return QuarkusHttpUser.getSecurityIdentity(context, identities)
                .onFailure().transform(failure -> ProblemException.unauthorized("a valid access token is required"))
                .map(identity -> {
                    Caller caller = caller(identity, roles, forbidden);
                    long expiry = ((JsonWebToken) identity.getPrincipal()).getExpirationTime();
                    if (expiry > 0) {
                        context.put(EXPIRY, Instant.ofEpochSecond(expiry));
                    }
                    return caller;
                });
    }

    private static Caller caller(SecurityIdentity identity, Set<String> roles, String forbidden) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            throw ProblemException.unauthorized("a valid access token is required");
        }
        if (identity.getRoles().stream().noneMatch(roles::contains)) {
            throw ProblemException.forbidden(forbidden);
        }
        return Caller.from(token);
    }

    /**
     * Starts the event stream and writes {@code frames} (complete SSE frames) until they end, the
     * follower leaves, its token expires, or {@code stillReadable} (the route's read rule, asked
     * again every recheck interval) fails.
     */
    public void stream(RoutingContext context, String comment, Multi<Buffer> frames,
                       Supplier<Uni<?>> stillReadable) {
        HttpServerResponse response = context.response();
        if (response.closed()) {
            return;
        }
        Instant expiry = context.get(EXPIRY);
        long ends = expiry == null ? -1 : vertx.setTimer(Math.max(1, Duration.between(Instant.now(), expiry).toMillis()),
                id -> endQuietly(response));
        long checks = vertx.setPeriodic(recheck.toMillis(), id -> SafeContext.run(vertx, stillReadable::get)
                .subscribe().with(readable -> { }, refused -> {
                    LOG.debugf("A follower (%s) may no longer read: %s", comment, refused.getMessage());
                    endQuietly(response);
                }));
        response.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
        response.setChunked(true).putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        response.write(": " + comment + "\n\n"); // headers out at once
        Runnable left = followers.open(StreamFollowers.SSE, context.currentRoute().getPath());
        io.vertx.core.Context owner = io.vertx.core.Vertx.currentContext();
        Runnable end = () -> {
            if (owner == null) {
                endQuietly(response);
            } else {
                owner.runOnContext(ignored -> endQuietly(response));
            }
        };
        open.add(end);
        Cancellable following = frames.subscribe().with(frame -> {
            if (response.closed()) {
                return;
            }
            response.write(frame);
            if (response.writeQueueFull()) {
                LOG.debugf("A follower (%s) cannot keep up; ending its stream", comment);
                response.end();
            }
        }, failure -> {
            LOG.warnf("A stream (%s) failed: %s", comment, failure.getMessage());
            endQuietly(response);
        }, () -> endQuietly(response));
        response.closeHandler(closed -> {
            left.run();
            open.remove(end);
            following.cancel();
            vertx.cancelTimer(ends);
            vertx.cancelTimer(checks);
        });
        response.endHandler(ended -> {
            left.run();
            open.remove(end);
            following.cancel();
            vertx.cancelTimer(ends);
            vertx.cancelTimer(checks);
        });
        if (response.ended() || response.closed()) {
            left.run(); // ended before the handlers above were set (frames that finished at once)
            open.remove(end);
        }
        if (stopping.now()) {
            end.run();
        }
    }

    /** Makes the followers' gauge of the SSE route {@code path} exist, at 0, before anyone follows. */
    public void declare(String path) {
        followers.declare(StreamFollowers.SSE, path);
    }

    private static void endQuietly(HttpServerResponse response) {
        if (!response.ended() && !response.closed()) {
            response.end();
        }
    }

    /** Answers a refusal as the REST API does: an RFC 9457 problem. */
    public void refuse(RoutingContext context, Throwable failure) {
        ProblemException problem = failure instanceof ProblemException known ? known
                : new ProblemException(500, "internal", "Internal error", "the stream could not be started");
        if (!(failure instanceof ProblemException)) {
            LOG.errorf(failure, "Starting a stream failed");
        }
        HttpServerResponse response = context.response();
        if (response.ended() || response.closed()) {
            return;
        }
        problem.headers().forEach(response::putHeader);
        try {
            response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(problem.problem(context.request().path())));
        } catch (JsonProcessingException e) {
            response.setStatusCode(problem.status()).end();
        }
    }

    /**
     * Where the follower resumes: {@code Last-Event-ID} (a reconnecting EventSource) or
     * {@code ?after=}, else 0 (the start). 400 when it is not a {@code meaning} (0 or more).
     */
    public static long position(RoutingContext context, String meaning) {
        String lastEventId = context.request().getHeader("Last-Event-ID");
        boolean resuming = lastEventId != null && !lastEventId.isBlank();
        String value = resuming ? lastEventId : context.queryParams().get("after");
        String name = resuming ? "Last-Event-ID" : "after";
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long position = Long.parseLong(value.trim());
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalidField(name, "must be " + meaning + " (0 or more)");
    }
}
