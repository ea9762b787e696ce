package io.agentyard.shared.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for something asynchronous (an event on a stream, a relay round) to become true. */
public final class Eventually {

    private Eventually() {
    }

    /** Polls {@code condition} every 50 ms until it is true; fails with {@code what} after {@code timeout}. */
    public static void await(Duration timeout, String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what);
            }
        }
    }
}
