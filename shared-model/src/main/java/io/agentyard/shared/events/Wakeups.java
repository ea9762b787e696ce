package io.agentyard.shared.events;

import java.time.Duration;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Quick cross-replica nudges over Redis pub/sub ("work arrived on queue X"): a waiting request on
 * any replica can wake up at once instead of at its next poll. Wake-ups are hints, never the
 * source of truth: a lost one only costs the listener its poll interval, and sending one never
 * fails the caller.
 */
@ApplicationScoped
public class Wakeups {

    private static final Logger LOG = Logger.getLogger(Wakeups.class);

    private final ReactivePubSubCommands<String> pubsub;
    private final Vertx vertx;
    private final String prefix;

    Wakeups(ReactiveRedisDataSource redis, Vertx vertx, EventsConfig config) {
        this.pubsub = redis.pubsub(String.class);
        this.vertx = vertx;
        this.prefix = config.keyPrefix() + "agentyard.wakeup.";
    }

    /** Sends {@code message} to every listener of {@code topic}; Redis trouble is logged, not raised. */
    public Uni<Void> send(String topic, String message) {
        return pubsub.publish(prefix + topic, message)
                .onFailure().invoke(e -> LOG.debugf("Wake-up on %s not sent: %s", topic, e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Calls {@code listener} for every wake-up on {@code topic}, resubscribing after Redis outages. */
    public Subscription listen(String topic, Consumer<String> listener) {
        Subscription subscription = new Subscription(prefix + topic, listener);
        subscription.subscribe();
        return subscription;
    }

    /** A live subscription; {@link #close()} ends it. */
    public final class Subscription implements AutoCloseable {

        private final String channel;
        private final Consumer<String> listener;
        private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;
        private volatile boolean closed;

        private Subscription(String channel, Consumer<String> listener) {
            this.channel = channel;
            this.listener = listener;
        }

        private void subscribe() {
            pubsub.subscribe(channel, listener, this::resubscribeLater, failure -> resubscribeLater())
                    .subscribe().with(s -> {
                        subscriber = s;
                        if (closed) {
                            close();
                        }
                    }, failure -> resubscribeLater());
        }

        private void resubscribeLater() {
            if (!closed) {
                vertx.setTimer(Duration.ofSeconds(1).toMillis(), id -> subscribe());
            }
        }

        /** Resolves once the subscription is active (tests and start-up ordering). */
        public boolean active() {
            return subscriber != null;
        }

        @Override
        public void close() {
            closed = true;
            if (subscriber != null) {
                subscriber.unsubscribe().subscribe().with(ok -> { }, failure -> { });
            }
        }
    }
}
