package io.agentyard.worker;

/** Threads the worker starts for itself: daemons, so none of them keeps a stopping worker alive. */
public final class Threads {

    private Threads() {
    }

    public static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
