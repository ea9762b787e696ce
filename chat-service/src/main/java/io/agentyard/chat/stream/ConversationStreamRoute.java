package io.agentyard.chat.stream;

import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agentyard.chat.conversation.ConversationService;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.reactive.SafeContext;
import io.agentyard.shared.security.Roles;
import io.agentyard.shared.web.EventStreams;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.core.Vertx;

/**
 * {@code GET /api/conversations/{id}/stream}: what happens in a conversation, live, as Server-Sent
 * Events (new messages, chunks, edits, finished and stopped messages, removals, renames), from
 * {@code Last-Event-ID} (or {@code ?after=}) on. Same authentication and read rule as the REST API,
 * checked before the stream starts ({@link EventStreams}); frames: {@link ConversationTails}.
 */
@ApplicationScoped
public class ConversationStreamRoute {

    private static final String PATH = "/api/conversations/:conversationId/stream";
    private static final Set<String> READERS = Set.of(Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE,
            Roles.WORKER);

    private final ConversationTails tails;
    private final ConversationService conversations;
    private final EventStreams streams;
    private final Vertx vertx;

    ConversationStreamRoute(ConversationTails tails, ConversationService conversations, EventStreams streams,
                            Vertx vertx) {
        this.tails = tails;
        this.conversations = conversations;
        this.streams = streams;
        this.vertx = vertx;
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(this::follow);
        streams.declare(PATH); // its followers' gauge exists at 0
    }

    private void follow(RoutingContext context) {
        UUID conversationId;
        long after;
        try {
            conversationId = conversationId(context.pathParam("conversationId"));
            after = EventStreams.position(context, "a conversation event sequence number");
        } catch (ProblemException problem) {
            streams.refuse(context, problem);
            return;
        }
        streams.caller(context, READERS, "this role may not read conversations")
                .call(caller -> SafeContext.run(vertx, () -> conversations.readable(caller, conversationId)))
                .subscribe().with(
                        caller -> streams.stream(context, "following conversation " + conversationId,
                                tails.follow(conversationId, after),
                                () -> conversations.readable(caller, conversationId)),
                        failure -> streams.refuse(context, failure));
    }

    private static UUID conversationId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.notFound("conversation", id);
        }
    }
}
