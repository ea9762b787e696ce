package io.agentyard.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A "task-service" that accepts connections and never answers: the slowest callee there is. It
 * points agent-service's task-service client at itself ({@code quarkus.rest-client.task-service.url}).
 */
public class SilentServer implements QuarkusTestResourceLifecycleManager {

    private ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, String> start() {
        try {
            server = new ServerSocket(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept()); // read nothing, answer nothing
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return Map.of("quarkus.rest-client.task-service.url", "http://127.0.0.1:" + server.getLocalPort());
    }

    @Override
    public void stop() {
        try {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        } catch (IOException e) {
            // closing a test socket: nothing to do
        }
    }
}
