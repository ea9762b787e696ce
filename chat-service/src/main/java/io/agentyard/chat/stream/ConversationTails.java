package io.agentyard.chat.stream;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agentyard.chat.config.ChatServiceConfig;
import io.agentyard.shared.events.Wakeups;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.core.Vertx;

/**
 * Live tails of conversations. One Redis subscription per replica carries "conversation c has
 * event n" from whichever replica wrote it; each replica keeps one tail per followed conversation,
 * whatever the number of followers. On a wake-up, or at the poll interval should one be lost, the
 * tail reads the events after its slowest follower's position once and hands each follower the
 * events past its own, in sequence order, as SSE frames ({@code id} = sequence, {@code event} =
 * kind, {@code data} = the event's JSON as stored). A follower resuming behind the oldest event
 * still kept is told to reload ({@code event: reset}) and continues from there.
 */
@ApplicationScoped
public class ConversationTails {

    private static final Logger LOG = Logger.getLogger(ConversationTails.class);

    private final ConversationStream stream;
    private final Wakeups wakeups;
    private final Vertx vertx;
    private final ChatServiceConfig.Stream config;
    private final Map<UUID, Tail> tails = new ConcurrentHashMap<>();
    private Wakeups.Subscription subscription;

    ConversationTails(ConversationStream stream, Wakeups wakeups, Vertx vertx, ChatServiceConfig config) {
        this.stream = stream;
        this.wakeups = wakeups;
        this.vertx = vertx;
        this.config = config.stream();
    }

    void start(@Observes StartupEvent event) {
        subscription = wakeups.listen(ConversationStream.TOPIC, this::wake);
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscription != null) {
            subscription.close();
        }
    }

    /** Whether this replica hears what others write (tests wait for it). */
    public boolean active() {
        return subscription != null && subscription.active();
    }

    static Buffer frame(ConversationStream.Event event) {
        return Buffer.buffer(event.data().length() + 48).appendString("id: " + event.seq() + "\nevent: " + event.kind()
                + "\ndata: ").appendString(event.data()).appendString("\n\n");
    }

    /** SSE frames of the conversation's events after {@code after}, then of every new one, until the follower leaves. */
    public Multi<Buffer> follow(UUID conversationId, long after) {
        return Multi.createFrom().emitter(emitter -> {
            Follower follower = new Follower(emitter, after);
            Tail tail = tails.compute(conversationId, (id, current) -> {
                Tail joined = current == null ? new Tail(id) : current;
                joined.followers.add(follower);
                return joined;
            });
            emitter.onTermination(() -> leave(tail, follower));
            tail.pump();
        });
    }

    private void wake(String message) {
        int space = message.indexOf(' ');
        try {
            Tail tail = tails.get(UUID.fromString(space < 0 ? message : message.substring(0, space)));
            if (tail != null) {
                tail.pump();
            }
        } catch (IllegalArgumentException unreadable) {
            LOG.debugf("Ignoring an unreadable conversation wake-up: %s", message);
        }
    }

    private void leave(Tail tail, Follower follower) {
        tails.computeIfPresent(tail.conversationId, (id, current) -> {
            current.followers.remove(follower);
            if (!current.followers.isEmpty()) {
                return current;
            }
            vertx.cancelTimer(current.poll);
            return null;
        });
    }

    private static final class Follower {
        final MultiEmitter<? super Buffer> emitter;
        volatile long position;

        Follower(MultiEmitter<? super Buffer> emitter, long position) {
            this.emitter = emitter;
            this.position = position;
        }
    }

    private final class Tail {
        final UUID conversationId;
        final List<Follower> followers = new CopyOnWriteArrayList<>();
        final AtomicBoolean reading = new AtomicBoolean();
        final long poll;
        volatile boolean again;

        Tail(UUID conversationId) {
            this.conversationId = conversationId;
            this.poll = vertx.setPeriodic(config.poll().toMillis(), id -> pump());
        }

        /** Reads what the slowest follower lacks and delivers it; one read at a time per tail. */
        void pump() {
            if (!reading.compareAndSet(false, true)) {
                again = true;
                return;
            }
            again = false;
            long from = followers.stream().mapToLong(follower -> follower.position).min().orElse(Long.MAX_VALUE);
            if (from == Long.MAX_VALUE) {
                reading.set(false);
                return;
            }
            stream.read(conversationId, from, config.readChunk()).subscribe().with(read -> {
                deliver(read);
                reading.set(false);
                if (again || read.events().size() == config.readChunk()) {
                    pump();
                }
            }, failure -> {
                reading.set(false);
                LOG.debugf("Tail of conversation %s could not read: %s", conversationId, failure.getMessage());
            });
        }

        private void deliver(ConversationStream.Read read) {
            for (Follower follower : followers) {
                if (!read.exists()) {
                    follower.emitter.complete(); // the conversation is gone
                    continue;
                }
                if (follower.position < read.first() - 1) {
                    // behind the oldest event kept: what it missed was pruned
                    follower.emitter.emit(Buffer.buffer("id: " + (read.first() - 1) + "\nevent: reset\ndata: {\"from\":"
                            + read.first() + "}\n\n"));
                    follower.position = read.first() - 1;
                }
                List<ConversationStream.Event> events = read.events();
                if (!events.isEmpty() && follower.position < events.get(0).seq() - 1) {
                    again = true; // joined behind this read's start while it ran: the next read covers it
                    continue;
                }
                for (ConversationStream.Event event : events) {
                    if (event.seq() > follower.position) {
                        follower.emitter.emit(frame(event));
                        follower.position = event.seq();
                    }
                }
            }
        }
    }
}
