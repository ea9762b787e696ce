package io.agentyard.worker.testing;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Stops the test JVM's {@link Suite} once the tests have run, so that its services and database go
 * with the tests, not only with the JVM: a JVM that is halted (surefire halts a fork that has not
 * exited 30 s after its tests) runs no shutdown hooks, and the services would outlive it. Registered
 * with the JUnit Platform through {@code META-INF/services}.
 */
public final class SuiteStopper implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        Suite.stopRunning();
    }
}
