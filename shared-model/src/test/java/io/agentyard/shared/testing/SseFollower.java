package io.agentyard.shared.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;


/** A follower of a Server-Sent Events stream on a connection of its own, collecting events until closed. */
public final class SseFollower implements AutoCloseable {

    /** One event as received. */
    public record Event(String id, String name, String data) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<java.io.InputStream>> response;
    private final CompletableFuture<List<Event>> ended = new CompletableFuture<>();

    private SseFollower(HttpRequest request) {
        response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        response.thenAcceptAsync(answer -> {
            if (answer.statusCode() != 200) {
                ended.complete(List.of());
                return;
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
                String id = null;
                String name = null;
                StringBuilder data = new StringBuilder();
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isEmpty()) {
                        if (name != null || data.length() > 0) {
                            events.add(new Event(id, name, data.toString()));
                        }
                        id = null;
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
            } catch (IOException closed) {
                // the follower was closed
            }
            ended.complete(List.copyOf(events));
        });
    }

    /** Follows {@code url} with {@code token}, from {@code lastEventId} when not null. */
    public static SseFollower follow(String url, String token, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return new SseFollower(request.build());
    }

    public int status() {
        return response.join().statusCode();
    }

    /** Whether the server ended the stream (or the follower was closed). */
    public boolean ended() {
        return ended.isDone();
    }

    /** Every event received, once the server has ended the stream. */
    public CompletableFuture<List<Event>> whenEnded() {
        return ended;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Waits until {@code count} events have arrived, then answers them. */
    public List<Event> await(int count) {
        Eventually.await(Duration.ofSeconds(15), count + " events (have " + events.size() + ")",
                () -> events.size() >= count);
        return events();
    }

    @Override
    public void close() {
        response.thenAccept(answer -> {
            try {
                answer.body().close();
            } catch (IOException ignored) {
                // closing
            }
        });
        response.cancel(true);
    }
}
