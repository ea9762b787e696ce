package io.agentyard.shared.metrics;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Metrics;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;

/**
 * In tests, an application stopping removes its meters from Micrometer's global registry, as
 * Quarkus itself does on a dev-mode restart but not in tests. A test run restarts the application
 * in the same JVM (another test profile or resource set), and the global registry outlives it: the
 * next application's registration of the same meter id got back the stopped one's meter, whose
 * gauge reads an object of the stopped application, weakly held. Once the garbage collector took
 * that object, the gauge left {@code /q/metrics} (seen: agent-service's dead-letter gauge missing
 * after a restart, in two CI runs in a row). A production process starts once and is untouched.
 */
@Singleton
public class TestRestartMeters {

    void forget(@Observes ShutdownEvent event) {
        if (LaunchMode.current() == LaunchMode.TEST) {
            Metrics.globalRegistry.getMeters().forEach(Metrics.globalRegistry::remove);
        }
    }
}
