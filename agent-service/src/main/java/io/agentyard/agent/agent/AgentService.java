package io.agentyard.agent.agent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.agent.client.TaskService;
import io.agentyard.agent.client.TaskServiceClient;
import io.agentyard.agent.workflow.WorkflowService;
import io.agentyard.shared.events.AgentEvents;
import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Agents: names unique per owner, owners (and admins) change them, readers see what
 * {@link Caller#readableOwner()} allows; an agent the caller may not see does not exist (404).
 */
@ApplicationScoped
public class AgentService {

    static final Map<String, String> SORTABLE = Map.of("name", "lower(name)", "createdAt", "createdAt",
            "updatedAt", "updatedAt", "status", "status", "category", "category");

    private final AgentRepository agents;
    private final WorkflowService workflows;
    private final TaskService tasks;
    private final Outbox outbox;
    private final ObjectMapper json;

    AgentService(AgentRepository agents, WorkflowService workflows, TaskService tasks, Outbox outbox,
                 ObjectMapper json) {
        this.agents = agents;
        this.workflows = workflows;
        this.tasks = tasks;
        this.outbox = outbox;
        this.json = json;
    }

    @WithTransaction
    public Uni<AgentDtos.AgentResponse> create(Caller caller, AgentDtos.Create request) {
        UUID owner = caller.id();
        return requireFreeName(owner, request.name(), null).chain(() -> {
            Instant now = Instant.now();
            Agent agent = new Agent();
            agent.id = UUID.randomUUID();
            agent.ownerId = owner;
            agent.name = request.name();
            agent.description = request.description();
            agent.category = request.category();
            agent.agentType = request.agentType();
            agent.status = request.status() == null ? AgentEnums.Status.created : request.status();
            agent.configuration = toMap(request.configuration());
            agent.capabilities = request.capabilities() == null ? new String[0] : request.capabilities().toArray(String[]::new);
            agent.active = request.active() == null || request.active();
            agent.createdAt = now;
            agent.updatedAt = now;
            return agents.persist(agent);
        }).chain(agent -> record(AgentEvents.AGENT_CREATED, agent));
    }

    @WithSession
    public Uni<Page<AgentDtos.AgentResponse>> list(Caller caller, AgentRepository.Filter filter, PageRequest page) {
        UUID scope = caller.readableOwner();
        AgentRepository.Filter scoped = scope == null ? filter
                : new AgentRepository.Filter(scope, filter.category(), filter.status(), filter.active());
        return agents.list(scoped, page.orderBy(SORTABLE, "createdAt"), page).chain(found -> agents.count(scoped)
                .map(total -> Page.of(found, AgentDtos.AgentResponse::from, page, total)));
    }

    @WithSession
    public Uni<AgentDtos.AgentResponse> get(Caller caller, UUID id) {
        return readable(caller, id).map(AgentDtos.AgentResponse::from);
    }

    @WithTransaction
    public Uni<AgentDtos.AgentResponse> update(Caller caller, UUID id, AgentDtos.Update update) {
        return change(caller, id, update, false);
    }

    /**
     * PUT: the agent becomes what the request says; optional fields left out take their defaults
     * (no description, empty configuration and capabilities, active), except {@code status}, the
     * agent's runtime state, which stays unless given.
     */
    @WithTransaction
    public Uni<AgentDtos.AgentResponse> replace(Caller caller, UUID id, AgentDtos.Create request) {
        return change(caller, id, new AgentDtos.Update(request.name(), request.description(), request.category(),
                request.agentType(), request.status(), request.configuration(), request.capabilities(),
                request.active()), true);
    }

    private Uni<AgentDtos.AgentResponse> change(Caller caller, UUID id, AgentDtos.Update update, boolean replace) {
        return writable(caller, id).call(agent -> update.name() == null ? Uni.createFrom().voidItem()
                        : requireFreeName(agent.ownerId, update.name(), agent.id))
                .chain(agent -> {
                    boolean wasActive = agent.active;
                    if (update.name() != null) {
                        agent.name = update.name();
                    }
                    if (update.description() != null || replace) {
                        agent.description = update.description();
                    }
                    if (update.category() != null) {
                        agent.category = update.category();
                    }
                    if (update.agentType() != null) {
                        agent.agentType = update.agentType();
                    }
                    if (update.status() != null) {
                        agent.status = update.status();
                    }
                    if (update.configuration() != null || replace) {
                        agent.configuration = toMap(update.configuration());
                    }
                    if (update.capabilities() != null || replace) {
                        agent.capabilities = update.capabilities() == null ? new String[0]
                                : update.capabilities().toArray(String[]::new);
                    }
                    if (update.active() != null || replace) {
                        agent.active = update.active() == null || update.active();
                    }
                    agent.updatedAt = Instant.now();
                    return record(wasActive && !agent.active ? AgentEvents.AGENT_DEACTIVATED
                            : AgentEvents.AGENT_UPDATED, agent);
                });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, UUID id) {
        return writable(caller, id).call(agent -> agents.delete(agent))
                .call(agent -> record(AgentEvents.AGENT_DELETED, agent)).replaceWithVoid();
    }

    /**
     * Files a task for the agent in task-service, as the caller (whose {@code authorization} header
     * goes along, so the task is theirs). The caller must be able to use the agent: see it (404),
     * own it or be an admin (403), and it must be active (409); a workflow named must be one they
     * see (404) and active (409). The checks read the database; the session ends before the call.
     */
    public Uni<TaskService.FiledTask> fileTask(Caller caller, String authorization, UUID id,
                                               AgentDtos.NewTask request) {
        return Panache.withSession(() -> writable(caller, id).invoke(agent -> {
                    if (!agent.active) {
                        throw ProblemException.conflict("agent " + id + " is not active");
                    }
                }).call(agent -> request.workflowId() == null ? Uni.createFrom().voidItem()
                        : workflows.requireRunnable(caller, request.workflowId())))
                .chain(agent -> tasks.fileTask(authorization, new TaskServiceClient.NewTask(request.title(),
                        request.description(), request.taskType(), request.permissionLevel(), request.priority(),
                        request.repositoryUrl(), request.branchName(), request.context(), request.metadata(),
                        request.projectId(), agent.id, request.workflowId(), request.input())));
    }

    /** A deactivated user's agents stop being active; runs in the event consumer's transaction. */
    public Uni<Integer> deactivateAllOf(UUID ownerId) {
        return agents.activeOf(ownerId).chain(owned -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            Instant now = Instant.now();
            for (Agent agent : owned) {
                agent.active = false;
                agent.updatedAt = now;
                chain = chain.chain(() -> record(AgentEvents.AGENT_DEACTIVATED, agent).replaceWithVoid());
            }
            return chain.map(done -> owned.size());
        });
    }

    private Uni<Agent> readable(Caller caller, UUID id) {
        return agents.findById(id).invoke(agent -> caller.checkRead(agent == null ? null : agent.ownerId, "agent", id));
    }

    private Uni<Agent> writable(Caller caller, UUID id) {
        return agents.findById(id).invoke(agent -> caller.checkWrite(agent == null ? null : agent.ownerId, "agent", id));
    }

    private Uni<Void> requireFreeName(UUID owner, String name, UUID except) {
        return ProblemException.conflictIf(agents.nameTaken(owner, name, except), "you already have an agent named '" + name + "'");
    }

    private Uni<AgentDtos.AgentResponse> record(String type, Agent agent) {
        return outbox.record(type, agent.id, new AgentEvents.AgentChanged(agent.id, agent.ownerId, agent.name,
                        agent.category.name(), agent.agentType.name(), agent.status.name(), agent.active))
                .map(event -> AgentDtos.AgentResponse.from(agent));
    }

    private Map<String, Object> toMap(AgentConfiguration configuration) {
        return configuration == null ? Map.of()
                : json.convertValue(configuration, new TypeReference<Map<String, Object>>() { });
    }
}
