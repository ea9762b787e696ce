package io.agentyard.execution.live;

import java.lang.reflect.Method;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.vertx.http.runtime.filters.QuarkusRequestWrapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;

/**
 * Lets a replica that has served live sockets stop without waiting out its whole shutdown timeout.
 * Quarkus's graceful shutdown counts each HTTP request until its response ends or its connection
 * closes, and (Quarkus 3.33, Vert.x 4.5) sees neither for a request upgraded to a WebSocket: the
 * upgraded response counts as ended without its end handler running. So one socket, opened and
 * long since closed, held every stop of execution-service for the full {@code quarkus.shutdown.timeout}
 * (20 s) and logged "Timed out waiting for graceful shutdown". This marks an upgrade request done
 * when its connection's channel closes, through the request wrapper's own (package-private,
 * idempotent) {@code done()}: the only way to reach the drain's count.
 */
@ApplicationScoped
class UpgradedRequests {

    private static final Logger LOG = Logger.getLogger(UpgradedRequests.class);
    /** {@code QuarkusRequestWrapper.done()}; null if a Quarkus version no longer has it. */
    private static final Method DONE = doneMethod();

    void install(@Observes Router router) {
        if (DONE == null) {
            return;
        }
        router.route(ExecutionSocket.ROUTE).order(Integer.MIN_VALUE).handler(context -> {
            HttpServerRequest request = context.request();
            // the channel's close future takes any number of listeners; the connection's closeHandler
            // holds one, which Quarkus uses to count connections (quarkus.http.limits.max-connections)
            if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))
                    && request.connection() instanceof ConnectionBase connection) {
                QuarkusRequestWrapper wrapper = wrapperOf(request);
                if (wrapper != null) {
                    connection.channel().closeFuture().addListener(closed -> done(wrapper));
                }
            }
            context.next();
        });
    }

    private static QuarkusRequestWrapper wrapperOf(HttpServerRequest request) {
        try {
            return QuarkusRequestWrapper.get(request);
        } catch (RuntimeException notWrapped) {
            return null;
        }
    }

    private static void done(QuarkusRequestWrapper wrapper) {
        try {
            DONE.invoke(wrapper);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf("Could not mark a closed socket's upgrade request done: %s", e.toString());
        }
    }

    private static Method doneMethod() {
        try {
            Method done = QuarkusRequestWrapper.class.getDeclaredMethod("done");
            done.setAccessible(true);
            return done;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("Closed live sockets will hold the shutdown drain until its timeout: %s", e.toString());
            return null;
        }
    }
}
