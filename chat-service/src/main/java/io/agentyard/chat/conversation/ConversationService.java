package io.agentyard.chat.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.chat.client.Agents;
import io.agentyard.chat.client.TaskHolders;
import io.agentyard.chat.client.TaskService;
import io.agentyard.chat.client.TaskServiceClient;
import io.agentyard.chat.stream.ConversationStream;
import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.Cursor;
import io.agentyard.shared.page.CursorPage;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.reactive.AfterCommit;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * Conversations and who may see and write them. A person's conversations are theirs (admins and
 * viewers read all, viewers never write); a task's conversation belongs to the task's owner, and
 * the worker holding the task (checked against task-service) reads and writes it too. Agents,
 * projects and tasks named by a new conversation must be ones its creator may see.
 */
@ApplicationScoped
public class ConversationService {

    private final ConversationRepository conversations;
    private final ConversationStream stream;
    private final TaskHolders holders;
    private final TaskService taskService;
    private final Agents agents;

    ConversationService(ConversationRepository conversations, ConversationStream stream, TaskHolders holders,
                        TaskService taskService, Agents agents) {
        this.conversations = conversations;
        this.stream = stream;
        this.holders = holders;
        this.taskService = taskService;
        this.agents = agents;
    }

    // ---- who sees what

    /** The conversation if the caller may read it; 404 otherwise (what one may not see does not exist). */
    public Uni<Conversation> readable(Caller caller, UUID id) {
        return visible(caller, id, false);
    }

    /** {@code forWrite}: a worker's hold on the task is asked afresh, not remembered. */
    private Uni<Conversation> visible(Caller caller, UUID id, boolean forWrite) {
        return Panache.withSession(() -> conversations.findById(id)).chain(conversation -> {
            if (conversation == null) {
                return Uni.createFrom().failure(ProblemException.notFound("conversation", id));
            }
            if (caller.hasRole(Roles.WORKER)) {
                if (conversation.taskId == null) {
                    return Uni.createFrom().failure(ProblemException.notFound("conversation", id));
                }
                return (forWrite ? holders.holdsNow(caller.id(), conversation.taskId)
                        : holders.holds(caller.id(), conversation.taskId)).map(holds -> {
                    if (!holds) {
                        throw ProblemException.notFound("conversation", id);
                    }
                    return conversation;
                });
            }
            if (!caller.canRead(conversation.ownerId)) {
                return Uni.createFrom().failure(ProblemException.notFound("conversation", id));
            }
            return Uni.createFrom().item(conversation);
        });
    }

    /**
     * The conversation if the caller may write in it: its owner, an admin, the worker holding its
     * task, or a service (as the controller); 403 for viewers, 409 once it is archived.
     */
    public Uni<Conversation> writable(Caller caller, UUID id) {
        return visible(caller, id, true).invoke(conversation -> {
            if (caller.hasRole(Roles.VIEWER) && !caller.isAdmin() && !caller.hasRole(Roles.DEVELOPER)) {
                throw ProblemException.forbidden("viewers read conversations, they do not write in them");
            }
            if (!caller.hasRole(Roles.WORKER) && !caller.hasRole(Roles.SERVICE) && !caller.canWrite(conversation.ownerId)) {
                throw ProblemException.forbidden("only the conversation's owner or an admin may write in it");
            }
            if (conversation.archived()) {
                throw ProblemException.conflict("conversation " + id + " is archived: restore it to write in it");
            }
        });
    }

    // ---- reads

    public Uni<ConversationDtos.ConversationResponse> get(Caller caller, UUID id) {
        return readable(caller, id).map(ConversationDtos.ConversationResponse::from);
    }

    public record Filter(UUID agentId, UUID projectId, UUID taskId, ConversationStatus status) {
    }

    /** Newest first; a worker lists only the conversation of a task it holds ({@code taskId} required). */
    public Uni<CursorPage<ConversationDtos.ConversationResponse>> list(Caller caller, Filter filter, String cursor,
                                                                       int limit) {
        Conditions where = Conditions.of().equal("agentId", filter.agentId()).equal("projectId", filter.projectId())
                .equal("taskId", filter.taskId())
                .equal("status", filter.status() == null ? ConversationStatus.active : filter.status());
        Uni<Boolean> allowed = Uni.createFrom().item(true);
        if (caller.hasRole(Roles.WORKER)) {
            allowed = filter.taskId() == null ? Uni.createFrom().item(false) : holders.holds(caller.id(), filter.taskId());
        } else {
            where.equal("ownerId", caller.readableOwner());
        }
        Cursor after = Cursor.parse(cursor);
        if (after != null) {
            where.where("(createdAt < :cursorAt or (createdAt = :cursorAt and id < :cursorId))", "cursorAt", after.at());
            where.params().and("cursorId", after.id());
        }
        return allowed.chain(ok -> !ok ? Uni.createFrom().item(new CursorPage<>(List.of(), null))
                : Panache.withSession(() -> conversations.find(where.query(), Sort.descending("createdAt", "id"),
                        where.params()).range(0, limit).list())
                        .map(found -> CursorPage.of(found, limit, last -> new Cursor(last.createdAt, last.id).encode())
                                .map(ConversationDtos.ConversationResponse::from)));
    }

    // ---- writes

    /** Result of a create: {@code created} false when a task's conversation existed already. */
    public record Opened(ConversationDtos.ConversationResponse conversation, boolean created) {
    }

    /**
     * Opens a conversation. A task has one conversation: asking for it again answers the one there
     * is. A worker opens only its held task's conversation; viewers and services open none.
     */
    public Uni<Opened> create(Caller caller, String authorization, ConversationDtos.NewConversation request) {
        if (caller.hasRole(Roles.WORKER)) {
            if (request.taskId() == null || request.agentId() != null || request.projectId() != null) {
                return Uni.createFrom().failure(ProblemException.forbidden(
                        "a worker opens only the conversation of a task it holds (taskId, nothing else)"));
            }
            return holders.holdsNow(caller.id(), request.taskId()).chain(holds -> {
                if (!holds) {
                    return Uni.createFrom().failure(ProblemException.forbidden(
                            "task " + request.taskId() + " is not held by this worker"));
                }
                return holders.holderOf(request.taskId()).chain(holder -> open(request,
                        holder.map(TaskServiceClient.TaskHolder::ownerId).orElseThrow(), null));
            });
        }
        if (!caller.isAdmin() && !caller.hasRole(Roles.DEVELOPER)) {
            return Uni.createFrom().failure(ProblemException.forbidden("this role may not open conversations"));
        }
        Uni<String> agentName = request.agentId() == null ? Uni.createFrom().nullItem()
                : agents.readable(caller, authorization, request.agentId()).map(agent -> agent.name());
        Uni<UUID> owner = request.taskId() == null ? Uni.createFrom().item(caller.id())
                : taskService.task(request.taskId(), authorization).map(task -> task
                        .orElseThrow(() -> ProblemException.unprocessable("taskId", "task " + request.taskId()
                                + " does not exist or is not yours")).owner());
        Uni<Void> project = request.projectId() == null ? Uni.createFrom().voidItem()
                : taskService.project(request.projectId(), authorization).invoke(found -> found.orElseThrow(
                        () -> ProblemException.unprocessable("projectId", "project " + request.projectId()
                                + " does not exist or is not yours"))).replaceWithVoid();
        return project.chain(() -> agentName).chain(name -> owner.chain(ownerId -> open(request, ownerId, name)));
    }

    private Uni<Opened> open(ConversationDtos.NewConversation request, UUID ownerId, String agentName) {
        Uni<Conversation> existing = request.taskId() == null ? Uni.createFrom().nullItem()
                : Panache.withSession(() -> conversations.findByTask(request.taskId()));
        return existing.chain(found -> {
            if (found != null) {
                return Uni.createFrom().item(new Opened(ConversationDtos.ConversationResponse.from(found), false));
            }
            Conversation conversation = new Conversation();
            conversation.id = UUID.randomUUID();
            conversation.ownerId = ownerId;
            conversation.agentId = request.agentId();
            conversation.projectId = request.projectId();
            conversation.taskId = request.taskId();
            conversation.title = request.title() != null ? request.title().strip()
                    : agentName != null ? "Chat with " + agentName
                    : request.taskId() != null ? "Task " + request.taskId() : "New conversation";
            conversation.status = ConversationStatus.active;
            conversation.metadata = request.metadata() == null ? Map.of() : request.metadata();
            conversation.createdAt = Instant.now();
            conversation.updatedAt = conversation.createdAt;
            return Panache.withTransaction(() -> conversations.persist(conversation))
                    .map(saved -> new Opened(ConversationDtos.ConversationResponse.from(saved), true))
                    // two asked for the same task's conversation at once: the other one made it
                    .onFailure(ConversationService::duplicateTask).recoverWithUni(() -> Panache.withSession(
                            () -> conversations.findByTask(request.taskId())).map(other ->
                            new Opened(ConversationDtos.ConversationResponse.from(other), false)));
        });
    }

    private static boolean duplicateTask(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains("conversations_task_idx")) {
                return true;
            }
        }
        return false;
    }

    /** Renames, archives or restores: the owner or an admin. Followers see the conversation event. */
    public Uni<ConversationDtos.ConversationResponse> update(Caller caller, UUID id,
                                                             ConversationDtos.ConversationUpdate update) {
        return readable(caller, id).chain(found -> {
            caller.checkWrite(found.ownerId, "conversation", id);
            return AfterCommit.transaction(() -> conversations.findById(id).chain(conversation -> {
                if (update.title() != null) {
                    conversation.title = update.title().strip();
                }
                if (update.metadata() != null) {
                    conversation.metadata = update.metadata();
                }
                if (update.status() != null && update.status() != conversation.status) {
                    conversation.status = update.status();
                    conversation.archivedAt = update.status() == ConversationStatus.archived ? Instant.now() : null;
                }
                conversation.updatedAt = Instant.now();
                return conversations.flush().chain(() -> stream.append(id, ConversationStream.CONVERSATION,
                                ConversationDtos.ConversationResponse.from(conversation)))
                        .map(seq -> {
                            conversation.lastSeq = seq;
                            return ConversationDtos.ConversationResponse.from(conversation);
                        });
            }));
        });
    }
}
