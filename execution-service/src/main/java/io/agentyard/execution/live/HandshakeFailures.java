package io.agentyard.execution.live;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.ext.web.Router;

/**
 * Ends the failure of a live-socket handshake that has already been answered. With authentication
 * on demand ({@code quarkus.http.auth.proactive=false}), a bad or expired token on the upgrade
 * request is answered 401 by Quarkus's authentication failure handler, and websockets-next then
 * also fails the request with the same error; without this handler the REST layer's failure
 * handler tries to write a second response and logs an error with a stack trace for every such
 * handshake (Quarkus 3.34.2). Failures not yet answered go on to the usual handlers.
 */
@ApplicationScoped
class HandshakeFailures {

    private static final Logger LOG = Logger.getLogger(HandshakeFailures.class);

    void install(@Observes Router router) {
        router.route(ExecutionSocket.ROUTE).order(Integer.MIN_VALUE).failureHandler(context -> {
            if (context.response().ended()) {
                LOG.debugf("Live socket handshake refused (%d): %s", context.response().getStatusCode(),
                        context.failure() == null ? "" : context.failure().getMessage());
                return;
            }
            context.next();
        });
    }
}
