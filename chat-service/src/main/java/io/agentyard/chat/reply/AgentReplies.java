package io.agentyard.chat.reply;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
import io.agentyard.shared.reactive.FreshPlans;
import io.agentyard.shared.reactive.SafeContext;
import io.agentyard.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
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

    @Scheduled(identity = "abandoned-replies-sweep", every = "${agentyard.chat.replies.sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledSweep() {
        return sweepOnce().invoke(count -> {
            if (count > 0) {
                LOG.infof("Abandoned replies ended: %d", count);
            }
        }).replaceWithVoid();
    }

    /**
     * Ends {@code failed} the agents' replies still streaming past {@code abandoned-after}: their
     * replica stopped without ending them. Answers how many.
     */
    public Uni<Integer> sweepOnce() {
        Instant before = Instant.now().minus(config.replies().abandonedAfter());
        return SafeContext.run(vertx, () -> FreshPlans.withTransaction(
                        () -> repository.list("senderType = ?1 and state = ?2 and createdAt < ?3",
                                SenderType.agent, MessageState.streaming, before)))
                .chain(abandoned -> {
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (ChatMessage reply : abandoned) {
                        if (running.containsKey(reply.id)) {
                            continue; // still generating here
                        }
                        chain = chain.chain(count -> SafeContext.run(vertx, () -> messages.end(reply.id,
                                MessageState.failed, Map.of("streaming", false, "error",
                                        "the reply was abandoned: its generation stopped without ending it")))
                                .map(ended -> count + 1));
                    }
                    return chain;
                });
    }

    /** Replies still generating when this replica stops end {@code failed}: no reply is left streaming. */
    void stop(@Observes ShutdownEvent event) {
        if (stops != null) {
            stops.close();
        }
        running.values().forEach(generation -> generation.interrupt(Interruption.not_written,
                "the service stopped while the reply was generated; ask again"));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos(); // the shutdown thread, not an event loop
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
        return Uni.createFrom().voidItem().invoke(() -> messages.check(caller, request))
                .chain(() -> conversations.writable(caller, conversationId))
                .chain(conversation -> {
                    boolean answered = asks && conversation.agentId != null
                            && MessageService.senderOf(caller) == SenderType.user;
                    Uni<AgentServiceClient.AgentProfile> agent = answered
                            ? agents.readable(caller, authorization, conversation.agentId)
                                    .invoke(AgentReplies::requireModel)
                            : Uni.createFrom().nullItem();
                    return agent.chain(profile -> messages.create(caller, conversation, request).chain(message ->
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
            Generation generation = running.get(UUID.fromString(messageId.trim()));
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
     * Starts the generation (it runs on its own, whatever happens to the request) and answers once
     * the first words are stored, or with the failure's problem when it fails first.
     */
    private Uni<MessageDtos.MessageResponse> generate(ChatMessage reply, ReplyModel.Request request) {
        Generation generation = new Generation(reply);
        running.put(reply.id, generation);
        generation.subscription = model.stream(request).subscribe().with(generation::delta, generation::failed,
                generation::completed);
        return Uni.createFrom().completionStage(generation.firstWords).chain(() -> messages.response(reply.id));
    }

    /** Why a generation stopped early: the reply ended elsewhere (stopped, deleted), or its text could not be kept. */
    private enum Interruption { ended_elsewhere, not_written }

    /**
     * One reply being generated: text gathered between flushes and written as the next chunk, in
     * order, by one chain of writes. A chunk that cannot be written (the reply was stopped or
     * deleted, or the write failed) stops the generation upstream: nothing is skipped over.
     */
    private final class Generation {
        final ChatMessage reply;
        final Instant started = Instant.now();
        final StringBuilder pending = new StringBuilder();
        final CompletableFuture<Void> firstWords = new CompletableFuture<>();
        volatile Cancellable subscription;
        Uni<Void> writes = Uni.createFrom().voidItem();
        int sequence;
        long timer = -1;
        boolean over;
        Map<String, Object> usage = Map.of();
        String finishReason;

        Generation(ChatMessage reply) {
            this.reply = reply;
        }

        synchronized void delta(ReplyModel.Delta delta) {
            if (over) {
                return;
            }
            if (delta.text() != null && !delta.text().isEmpty()) {
                pending.append(delta.text());
                if (timer < 0) {
                    timer = vertx.setTimer(config.replies().flushInterval().toMillis(), id -> flush());
                }
            }
            if (delta.usage() != null) {
                usage = delta.usage();
            }
            if (delta.finishReason() != null) {
                finishReason = delta.finishReason();
            }
        }

        /** Queues what has gathered as the next chunk; answers the chain of writes so far. */
        synchronized Uni<Void> flush() {
            timer = -1;
            if (pending.isEmpty() || over) {
                return writes;
            }
            String text = pending.toString();
            pending.setLength(0);
            int next = ++sequence;
            writes = writes.chain(() -> over ? Uni.createFrom().voidItem() : write(next, text))
                    .memoize().indefinitely();
            writes.subscribe().with(ok -> { }, failure -> { });
            return writes;
        }

        private Uni<Void> write(int next, String text) {
            return SafeContext.run(vertx, () -> AfterCommit.transaction(() -> repository
                            .appendChunk(reply.id, next, text, config.messages().maxChars())
                            .call(applied -> applied ? stream.append(reply.conversationId, ConversationStream.CHUNK,
                                    new MessageDtos.ChunkEvent(reply.id, next, text)) : Uni.createFrom().voidItem())))
                    .chain(applied -> {
                        if (applied) {
                            firstWords.complete(null);
                            return Uni.createFrom().voidItem();
                        }
                        return SafeContext.run(vertx, () -> Panache.withSession(() -> repository.findById(reply.id)))
                                .invoke(current -> interrupt(current == null || current.state != MessageState.streaming
                                        ? Interruption.ended_elsewhere : Interruption.not_written,
                                        "the reply reached its length limit of " + config.messages().maxChars()
                                                + " characters"))
                                .replaceWithVoid();
                    })
                    .onFailure().recoverWithUni(failure -> {
                        LOG.warnf("Reply %s: chunk %d could not be written: %s", reply.id, next, failure.getMessage());
                        interrupt(Interruption.not_written, "the reply could not be stored");
                        return Uni.createFrom().voidItem();
                    });
        }

        /** Stops the generation upstream; a reply whose text could not be kept ends {@code failed}. */
        void interrupt(Interruption why, String detail) {
            if (!stopUpstream()) {
                return;
            }
            if (why == Interruption.ended_elsewhere) {
                finish(null);
                return;
            }
            ProblemException problem = new ProblemException(500, "reply-interrupted", "Reply interrupted", detail);
            endFailed(problem);
        }

        /** Stopped by a person: the message was ended by the stop. */
        void cancel() {
            if (stopUpstream()) {
                finish(null);
            }
        }

        /** True for the first caller only: cancels the upstream generation and pending writes. */
        private synchronized boolean stopUpstream() {
            if (over) {
                return false;
            }
            over = true;
            vertx.cancelTimer(timer);
            pending.setLength(0);
            if (subscription != null) {
                subscription.cancel();
            }
            return true;
        }

        void completed() {
            Uni<Void> written;
            synchronized (this) {
                if (over) {
                    return;
                }
                vertx.cancelTimer(timer);
                written = flush();
                over = true;
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("streaming", false);
            metadata.put("responseTime", Duration.between(started, Instant.now()).toMillis());
            if (!usage.isEmpty()) {
                metadata.put("usage", usage);
            }
            if (finishReason != null) {
                metadata.put("finishReason", finishReason);
            }
            written.chain(() -> SafeContext.run(vertx, () -> messages.end(reply.id, MessageState.complete, metadata)))
                    .subscribe().with(ended -> finish(null), this::finish);
        }

        void failed(Throwable failure) {
            Uni<Void> written;
            synchronized (this) {
                if (over) {
                    return;
                }
                vertx.cancelTimer(timer);
                written = flush(); // what came before the failure is kept
                over = true;
            }
            ProblemException problem = ReplyModel.problem(failure);
            LOG.infof("Reply %s failed: %s", reply.id, problem.getMessage());
            written.subscribe().with(ok -> endFailed(problem), ignored -> endFailed(problem));
        }

        /** Ends the reply {@code failed} with an {@code error} message after it, unless it had ended otherwise already. */
        void endFailed(ProblemException problem) {
            Map<String, Object> metadata = Map.of("streaming", false, "error", problem.getMessage());
            SafeContext.run(vertx, () -> messages.end(reply.id, MessageState.failed, metadata)
                            .chain(ended -> ended != null && ended.state == MessageState.failed
                                    && problem.getMessage().equals(ended.metadata.get("error"))
                                    ? AfterCommit.transaction(() -> messages.insert(errorMessage(problem))).replaceWithVoid()
                                    : Uni.createFrom().voidItem()))
                    .subscribe().with(ok -> finish(problem), ignored -> finish(problem));
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

        /** The generation is over: forgotten here, and a request still waiting for first words is answered. */
        private void finish(Throwable failure) {
            running.remove(reply.id, this);
            if (failure != null) {
                firstWords.completeExceptionally(failure);
            } else {
                firstWords.complete(null);
            }
        }
    }
}
