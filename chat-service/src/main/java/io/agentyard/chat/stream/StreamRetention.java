package io.agentyard.chat.stream;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.chat.config.ChatServiceConfig;
import io.agentyard.shared.reactive.SafeContext;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Conversation stream events older than {@code agentyard.chat.stream.retention} are dropped every
 * {@code prune-interval} (quarkus-scheduler, never overlapping itself); messages stay. A follower
 * resuming from before the oldest event kept is
 * told to reload ({@code event: reset}).
 */
@ApplicationScoped
public class StreamRetention {

    private static final Logger LOG = Logger.getLogger(StreamRetention.class);

    private final ConversationStream stream;
    private final ChatServiceConfig.Stream config;
    private final Vertx vertx;

    StreamRetention(ConversationStream stream, ChatServiceConfig config, Vertx vertx) {
        this.stream = stream;
        this.config = config.stream();
        this.vertx = vertx;
    }

    @Scheduled(identity = "chat-stream-retention", every = "${agentyard.chat.stream.prune-interval}",
            delayed = "PT1M", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return runOnce().invoke(count -> {
            if (count > 0) {
                LOG.infof("Conversation stream events pruned: %d", count);
            }
        }).replaceWithVoid();
    }

    /** One round: drops the events past retention; answers how many. */
    public Uni<Integer> runOnce() {
        return SafeContext.run(vertx, () -> stream.prune(Instant.now().minus(config.retention())));
    }
}
