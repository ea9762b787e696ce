package io.agentyard.identity.user;

import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agentyard.identity.config.IdentityConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Creates the first admin from configuration when there is none, so a new installation can be
 * administered. Safe with several replicas: the unique username makes all but one insert fail.
 */
public class AdminBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);

    void onStart(@Observes StartupEvent event, UserService users, IdentityConfig config) throws Throwable {
        IdentityConfig.BootstrapAdmin admin = config.bootstrapAdmin();
        if (admin.password().filter(p -> !p.isBlank()).isEmpty()) {
            LOG.info("No AGENTYARD_ADMIN_PASSWORD set: the first admin is not created automatically");
            return;
        }
        PasswordPolicy.check("AGENTYARD_ADMIN_PASSWORD", admin.password().get(), admin.username());
        try {
            boolean created = VertxContextSupport.subscribeAndAwait(
                    () -> users.ensureAdmin(admin.username(), admin.email(), admin.password().get()));
            if (created) {
                LOG.infof("Created the first admin '%s'", admin.username());
            }
        } catch (RuntimeException e) {
            // Another replica won the race, or the name is taken by a non-admin: nothing to undo.
            LOG.warnf("First admin '%s' not created: %s", admin.username(), e.getMessage());
        }
    }
}
