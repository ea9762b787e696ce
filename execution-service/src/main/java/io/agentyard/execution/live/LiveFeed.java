package io.agentyard.execution.live;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.shared.events.Wakeups;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * What happens to executions, as it happens, on every replica: new log lines, steps, status changes
 * and a worker's activity. One Redis pub/sub channel carries it between replicas (one subscription
 * per replica, whatever the number of followers); each replica hands a message to the local
 * followers of its execution. A live view, not a record: a message lost while Redis is away is
 * not replayed (logs, steps and statuses are read back from PostgreSQL; log tails also poll).
 */
@ApplicationScoped
public class LiveFeed {

    private static final Logger LOG = Logger.getLogger(LiveFeed.class);
    private static final String TOPIC = "execution.live";

    /** Message kinds. */
    public static final String LOGS = "logs";
    public static final String STATUS = "status";
    public static final String STEP = "step";
    public static final String ACTIVITY = "activity";

    /** One fact about one execution; {@code data} is the kind's JSON body. */
    public record Message(UUID executionId, String kind, JsonNode data) {
    }

    private final Wakeups wakeups;
    private final ObjectMapper json;
    private final Map<UUID, List<Consumer<Message>>> followers = new ConcurrentHashMap<>();
    private Wakeups.Subscription subscription;

    LiveFeed(Wakeups wakeups, ObjectMapper json) {
        this.wakeups = wakeups;
        this.json = json;
    }

    void start(@Observes StartupEvent event) {
        subscription = wakeups.listen(TOPIC, this::deliver);
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscription != null) {
            subscription.close();
        }
    }

    /** Whether this replica receives what others publish (tests wait for it). */
    public boolean active() {
        return subscription != null && subscription.active();
    }

    /** Tells every replica's followers of {@code executionId}; never fails the caller. */
    public Uni<Void> publish(UUID executionId, String kind, Object data) {
        try {
            return wakeups.send(TOPIC, json.writeValueAsString(new Message(executionId, kind, json.valueToTree(data))));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            LOG.warnf("Live message %s of %s not sent: %s", kind, executionId, e.getMessage());
            return Uni.createFrom().voidItem();
        }
    }

    /** Calls {@code follower} with every message about {@code executionId} until the result is closed. */
    public AutoCloseable follow(UUID executionId, Consumer<Message> follower) {
        followers.computeIfAbsent(executionId, id -> new CopyOnWriteArrayList<>()).add(follower);
        return () -> followers.computeIfPresent(executionId, (id, list) -> {
            list.remove(follower);
            return list.isEmpty() ? null : list;
        });
    }

    private void deliver(String text) {
        Message message;
        try {
            message = json.readValue(text, Message.class);
        } catch (Exception unreadable) {
            LOG.debugf("Ignoring an unreadable live message: %s", unreadable.getMessage());
            return;
        }
        List<Consumer<Message>> local = followers.get(message.executionId());
        if (local != null) {
            local.forEach(follower -> follower.accept(message));
        }
    }
}
