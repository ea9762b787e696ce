package io.agentyard.worker;

public final class AgentyardWorker {
    public static void main(String[] args) {
    }
}
