package io.agentyard.chat.reply;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agentyard.chat.client.AgentServiceClient;
import io.agentyard.chat.client.Agents;
import io.agentyard.chat.config.ChatServiceConfig;
import io.agentyard.chat.conversation.Conversation;
import io.agentyard.chat.conversation.ConversationService;
import io.agentyard.chat.message.ChatMessage;
import io.agentyard.chat.message.MessageDtos;
import io.agentyard.chat.message.MessageRepository;
import io.agentyard.chat.message.MessageService;
import io.agentyard.chat.message.MessageState;
import io.agentyard.chat.message.MessageType;
import io.agentyard.chat.message.SenderType;
import io.agentyard.chat.stream.ConversationStream;
import io.agentyard.shared.events.Wakeups;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.reactive.AfterCommit;
import io.agentyard.shared.reactive.SafeContext;
import io.agentyard.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;

/**
 * Agents answer (AgentDB9's "create message, generate response"): a person's text in a
 * conversation with an agent is answered by the model the agent's configuration names. The reply
 * is an agent message that streams: the request that asked waits for the first words (or the
 * failure), then the text arrives on the conversation's stream in chunks, grouped every
 * {@code agentyard.chat.replies.flush-interval}. A provider that fails leaves the reply
 * {@code failed} and an {@code error} message in the conversation, and the request gets the
 * problem. Stop ends the reply where it is and cancels the generation on whichever replica runs it.
 */
@ApplicationScoped
public class AgentReplies {

    private static final Logger LOG = Logger.getLogger(AgentReplies.class);
    private static final String STOP_TOPIC = "chat.replies.stop";

    private final MessageService messages;
    private final MessageRepository repository;
    private final ConversationService conversations;
    private final ConversationStream stream;
    private final Agents agents;
    private final ReplyModel model;
    private final Wakeups wakeups;
    private final Vertx vertx;
    private final ChatServiceConfig config;
    private final Map<UUID, Generation> running = new ConcurrentHashMap<>();
    private Wakeups.Subscription stops;

    AgentReplies(MessageService messages, MessageRepository repository, ConversationService conversations,
                 ConversationStream stream, Agents agents, ReplyModel model, Wakeups wakeups, Vertx vertx,
                 ChatServiceConfig config) {
        this.messages = messages;
        this.repository = repository;
        this.conversations = conversations;
        this.stream = stream;
        this.agents = agents;
        this.model = model;
        this.wakeups = wakeups;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        stops = wakeups.listen(STOP_TOPIC, this::cancelLocal);
    }

    void stop(@Observes ShutdownEvent event) {
        if (stops != null) {
            stops.close();
        }
        running.values().forEach(Generation::cancel);
    }

    /** Replies generating on this replica (tests, metrics). */
    public int generating() {
        return running.size();
    }

    /** A posted message and the agent's reply to it (null when none is due). */
    public record Posted(MessageDtos.MessageResponse message, MessageDtos.MessageResponse reply) {
    }

    /**
     * Posts a message; when it is a person's text in a conversation with an agent, the agent's
     * configuration is read first (so nothing is stored when it cannot answer) and its reply starts.
     */
    public Uni<Posted> post(Caller caller, String authorization, UUID conversationId, MessageDtos.NewMessage request) {
        boolean asks = (request.messageType() == null || request.messageType() == MessageType.text)
                && !Boolean.TRUE.equals(request.streaming());
        return conversations.readable(caller, conversationId).chain(conversation -> {
            boolean answered = asks && conversation.agentId != null
                    && MessageService.senderOf(caller) == SenderType.user;
            Uni<AgentServiceClient.AgentProfile> agent = answered
                    ? agents.readable(caller, authorization, conversation.agentId).invoke(AgentReplies::requireModel)
                    : Uni.createFrom().nullItem();
            return agent.chain(profile -> messages.create(caller, conversationId, request).chain(message ->
                    profile == null ? Uni.createFrom().item(new Posted(message, null))
                            : reply(conversation, profile, message).map(reply -> new Posted(message, reply))));
        });
    }

    static void requireModel(AgentServiceClient.AgentProfile agent) {
        if (!agent.active()) {
            throw ProblemException.conflict("agent " + agent.id() + " is not active");
        }
        if (agent.setting("llmProvider") == null || agent.setting("model") == null) {
            throw ProblemException.unprocessable("agentId", "agent " + agent.id()
                    + " names no model: set configuration.llmProvider and configuration.model");
        }
    }

    /** Stops a message; an agent's reply is also cancelled upstream, wherever it is generated. */
    public Uni<MessageDtos.MessageResponse> stop(Caller caller, UUID conversationId, UUID messageId) {
        return messages.stop(caller, conversationId, messageId).call(stopped -> {
            cancelLocal(messageId.toString());
            return wakeups.send(STOP_TOPIC, messageId.toString());
        });
    }

    private void cancelLocal(String messageId) {
        try {
            Generation generation = running.remove(UUID.fromString(messageId.trim()));
            if (generation != null) {
                generation.cancel();
            }
        } catch (IllegalArgumentException unreadable) {
            LOG.debugf("Ignoring an unreadable stop: %s", messageId);
        }
    }

    // ---- one reply

    private Uni<MessageDtos.MessageResponse> reply(Conversation conversation, AgentServiceClient.AgentProfile agent,
                                                   MessageDtos.MessageResponse question) {
        ReplyModel.Request request = new ReplyModel.Request(agent.setting("llmProvider"), agent.setting("model"),
                agent.number("temperature"), agent.number("maxTokens") == null ? null : agent.number("maxTokens").intValue(),
                agent.setting("systemPrompt"), List.of());
        ChatMessage reply = new ChatMessage();
        reply.id = UUID.randomUUID();
        reply.conversationId = conversation.id;
        reply.senderType = SenderType.agent;
        reply.senderId = agent.id();
        reply.role = SenderType.agent.role();
        reply.content = "";
        reply.messageType = MessageType.text;
        reply.state = MessageState.streaming;
        reply.parentMessageId = question.id();
        reply.metadata = Map.of("model", request.model(), "provider", request.provider(), "streaming", true);
        return history(conversation.id, question.sequence()).chain(turns -> AfterCommit.transaction(
                        () -> messages.insert(reply))
                .chain(saved -> generate(saved, request.withHistory(turns))));
    }

    /** The conversation up to the question, oldest first, as the model sees it. */
    private Uni<List<ReplyModel.Turn>> history(UUID conversationId, long upTo) {
        return Panache.withSession(() -> repository.find("conversationId = ?1 and seq <= ?2 and content <> ''",
                        Sort.descending("seq"), conversationId, upTo).range(0, config.replies().historyMessages() - 1)
                .list()).map(found -> {
                    List<ReplyModel.Turn> turns = new ArrayList<>();
                    for (ChatMessage message : found) {
                        if (message.messageType != MessageType.error) {
                            turns.add(new ReplyModel.Turn(message.role, message.content));
                        }
                    }
                    Collections.reverse(turns);
                    return turns;
                });
    }

    /**
     * Runs the generation: answers once the first words are stored (or with the failure's problem
     * when it fails first); the rest continues in the background.
     */
    private Uni<MessageDtos.MessageResponse> generate(ChatMessage reply, ReplyModel.Request request) {
        Generation generation = new Generation(reply, Instant.now());
        Uni<Void> firstWords = Uni.createFrom().emitter(first -> {
            generation.first = first;
            running.put(reply.id, generation);
            generation.subscription = model.stream(request).subscribe().with(generation::delta,
                    generation::failed, generation::completed);
        });
        return firstWords.chain(() -> messages.response(reply.id));
    }

    /** One reply being generated: text gathered between flushes, written in order by one chain. */
    private final class Generation {
        final ChatMessage reply;
        final Instant started;
        final StringBuilder pending = new StringBuilder();
        io.smallrye.mutiny.subscription.UniEmitter<? super Void> first;
        Cancellable subscription;
        Uni<Void> writes = Uni.createFrom().voidItem();
        int sequence;
        long timer = -1;
        Map<String, Object> usage = Map.of();
        String finishReason;

        Generation(ChatMessage reply, Instant started) {
            this.reply = reply;
            this.started = started;
        }

        synchronized void delta(ReplyModel.Delta delta) {
            if (delta.text() != null && !delta.text().isEmpty()) {
                pending.append(delta.text());
                if (timer < 0) {
                    timer = vertx.setTimer(config.replies().flushInterval().toMillis(), id -> flush(false));
                }
            }
            if (delta.usage() != null) {
                usage = delta.usage();
            }
            if (delta.finishReason() != null) {
                finishReason = delta.finishReason();
            }
        }

        /** Writes what has gathered as the next chunk; the first write also answers the request. */
        synchronized Uni<Void> flush(boolean last) {
            timer = -1;
            if (pending.isEmpty()) {
                return writes;
            }
            String text = pending.toString();
            pending.setLength(0);
            int next = ++sequence;
            writes = writes.chain(() -> SafeContext.run(vertx, () -> AfterCommit.transaction(() -> repository
                    .appendChunk(reply.id, next, text, config.messages().maxChars()).chain(applied -> applied
                            ? stream.append(reply.conversationId, ConversationStream.CHUNK,
                                    new MessageDtos.ChunkEvent(reply.id, next, text)).replaceWithVoid()
                            : Uni.createFrom().voidItem()))))
                    .invoke(this::answered)
                    .onFailure().invoke(failure -> LOG.warnf("Reply %s: a chunk was not written: %s", reply.id,
                            failure.getMessage()))
                    .onFailure().recoverWithNull().memoize().indefinitely();
            if (!last) {
                writes.subscribe().with(ok -> { }, failure -> { });
            }
            return writes;
        }

        /** Stopped: the upstream generation is cancelled; the message was ended by the stop. */
        synchronized void cancel() {
            if (subscription != null) {
                subscription.cancel();
            }
            vertx.cancelTimer(timer);
            pending.setLength(0);
            answered();
        }

        void answered() {
            if (first != null) {
                first.complete(null);
                first = null;
            }
        }

        void completed() {
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("streaming", false);
            metadata.put("responseTime", Duration.between(started, Instant.now()).toMillis());
            if (!usage.isEmpty()) {
                metadata.put("usage", usage);
            }
            if (finishReason != null) {
                metadata.put("finishReason", finishReason);
            }
            vertx.cancelTimer(timer);
            flush(true).chain(() -> SafeContext.run(vertx, () -> messages.end(reply.id, MessageState.complete, metadata)))
                    .subscribe().with(ended -> done(null), this::done);
        }

        void failed(Throwable failure) {
            ProblemException problem = ReplyModel.problem(failure);
            LOG.infof("Reply %s failed: %s", reply.id, problem.getMessage());
            vertx.cancelTimer(timer);
            Map<String, Object> metadata = Map.of("streaming", false, "error", problem.getMessage());
            flush(true).chain(() -> SafeContext.run(vertx, () -> messages.end(reply.id, MessageState.failed, metadata)
                            .chain(() -> AfterCommit.transaction(() -> messages.insert(errorMessage(problem))))))
                    .subscribe().with(ended -> done(problem), ignored -> done(problem));
        }

        private ChatMessage errorMessage(ProblemException problem) {
            ChatMessage error = new ChatMessage();
            error.id = UUID.randomUUID();
            error.conversationId = reply.conversationId;
            error.senderType = SenderType.system;
            error.role = SenderType.system.role();
            error.content = problem.getMessage();
            error.messageType = MessageType.error;
            error.state = MessageState.complete;
            error.parentMessageId = reply.id;
            error.metadata = Map.of("status", problem.status());
            return error;
        }

        private void done(Throwable failure) {
            running.remove(reply.id);
            if (first != null) {
                if (failure != null) {
                    first.fail(failure);
                } else {
                    first.complete(null);
                }
                first = null;
            }
        }
    }
}
