package io.agentyard.worker;

import java.util.concurrent.ThreadFactory;

/** Threads the worker starts for itself: daemons, so none of them keeps a stopping worker alive. */
public final class Threads {

    private Threads() {
    }

    /** Daemon threads named {@code name}, for an executor. */
    public static ThreadFactory factory(String name) {
        return body -> {
            Thread thread = new Thread(body, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    public static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Sleeps, keeping an interrupt for the caller to see (the loops that sleep check their stop flags). */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
