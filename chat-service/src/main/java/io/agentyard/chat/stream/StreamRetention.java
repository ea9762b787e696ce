package io.agentyard.chat.stream;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agentyard.chat.config.ChatServiceConfig;
import io.agentyard.shared.reactive.Periodic;
import io.agentyard.shared.reactive.SafeContext;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Conversation stream events older than {@code agentyard.chat.stream.retention} are dropped every
 * {@code prune-interval}; messages stay. A follower resuming from before the oldest event kept is
 * told to reload ({@code event: reset}).
 */
@ApplicationScoped
public class StreamRetention {

    private final ConversationStream stream;
    private final ChatServiceConfig.Stream config;
    private final Vertx vertx;
    private Periodic rounds;

    StreamRetention(ConversationStream stream, ChatServiceConfig config, Vertx vertx) {
        this.stream = stream;
        this.config = config.stream();
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        rounds = Periodic.every(vertx, config.pruneInterval(), "Conversation stream events pruned", this::runOnce);
    }

    void stop(@Observes ShutdownEvent event) {
        if (rounds != null) {
            rounds.close();
        }
    }

    /** One round: drops the events past retention; answers how many. */
    public Uni<Integer> runOnce() {
        return SafeContext.run(vertx, () -> stream.prune(Instant.now().minus(config.retention())));
    }
}
