package io.agentyard.agent.workflow;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.shared.events.AgentEvents;
import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.problem.Problem;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Versioned workflow definitions. A new definition is validated as a graph and stored as the next
 * version; earlier versions stay readable. Ownership works as for agents.
 */
@ApplicationScoped
public class WorkflowService {

    static final Map<String, String> SORTABLE = Map.of("name", "lower(name)", "createdAt", "createdAt",
            "updatedAt", "updatedAt");

    private final WorkflowRepository workflows;
    private final WorkflowVersionRepository versions;
    private final Outbox outbox;
    private final ObjectMapper json;

    WorkflowService(WorkflowRepository workflows, WorkflowVersionRepository versions, Outbox outbox,
                    ObjectMapper json) {
        this.workflows = workflows;
        this.versions = versions;
        this.outbox = outbox;
        this.json = json;
    }

    @WithTransaction
    public Uni<WorkflowDtos.WorkflowResponse> create(Caller caller, WorkflowDtos.Create request) {
        requireValidGraph(request.definition());
        UUID owner = caller.id();
        return requireFreeName(owner, request.name(), null).chain(() -> {
            Instant now = Instant.now();
            Workflow workflow = new Workflow();
            workflow.id = UUID.randomUUID();
            workflow.ownerId = owner;
            workflow.name = request.name();
            workflow.description = request.description();
            workflow.active = request.active() == null || request.active();
            workflow.currentVersion = 1;
            workflow.createdAt = now;
            workflow.updatedAt = now;
            return workflows.persist(workflow)
                    .chain(saved -> addVersion(saved, request.definition(), owner, now))
                    .call(version -> record(AgentEvents.WORKFLOW_CREATED, workflow))
                    .map(version -> WorkflowDtos.WorkflowResponse.from(workflow, version));
        });
    }

    @WithSession
    public Uni<Page<WorkflowDtos.WorkflowResponse>> list(Caller caller, Boolean active, PageRequest page) {
        Conditions where = Conditions.of().equal("ownerId", caller.readableOwner()).equal("active", active);
        return workflows.find(where.query() + page.orderBy(SORTABLE, "createdAt"), where.params())
                .page(page.toPanache()).list()
                .chain(found -> currentVersionsOf(found).chain(current -> workflows.count(where.query(), where.params())
                        .map(total -> Page.of(found, w -> WorkflowDtos.WorkflowResponse.from(w, current.get(w.id)),
                                page, total))));
    }

    @WithSession
    public Uni<WorkflowDtos.WorkflowResponse> get(Caller caller, UUID id) {
        return readable(caller, id, LockModeType.NONE).chain(workflow -> versions.find(id, workflow.currentVersion)
                .map(current -> WorkflowDtos.WorkflowResponse.from(workflow, current)));
    }

    @WithTransaction
    public Uni<WorkflowDtos.WorkflowResponse> update(Caller caller, UUID id, WorkflowDtos.Update update) {
        if (update.definition() != null) {
            requireValidGraph(update.definition());
        }
        // Locked so two concurrent updates cannot both claim the next version number.
        return writable(caller, id, LockModeType.PESSIMISTIC_WRITE)
                .call(workflow -> update.name() == null ? Uni.createFrom().voidItem()
                        : requireFreeName(workflow.ownerId, update.name(), workflow.id))
                .chain(workflow -> {
                    Instant now = Instant.now();
                    if (update.name() != null) {
                        workflow.name = update.name();
                    }
                    if (update.description() != null) {
                        workflow.description = update.description();
                    }
                    if (update.active() != null) {
                        workflow.active = update.active();
                    }
                    workflow.updatedAt = now;
                    Uni<WorkflowVersion> current;
                    if (update.definition() != null) {
                        workflow.currentVersion += 1;
                        current = addVersion(workflow, update.definition(), caller.id(), now);
                    } else {
                        current = versions.find(workflow.id, workflow.currentVersion);
                    }
                    return current.call(version -> record(AgentEvents.WORKFLOW_UPDATED, workflow))
                            .map(version -> WorkflowDtos.WorkflowResponse.from(workflow, version));
                });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, UUID id) {
        return writable(caller, id, LockModeType.NONE).call(workflow -> workflows.delete(workflow))
                .call(workflow -> record(AgentEvents.WORKFLOW_DELETED, workflow)).replaceWithVoid();
    }

    @WithSession
    public Uni<Page<WorkflowDtos.VersionResponse>> versions(Caller caller, UUID id, PageRequest page) {
        return readable(caller, id, LockModeType.NONE).chain(workflow -> versions.history(id, page)
                .chain(found -> versions.countOf(id)
                        .map(total -> Page.of(found, WorkflowDtos.VersionResponse::from, page, total))));
    }

    @WithSession
    public Uni<WorkflowDtos.VersionResponse> version(Caller caller, UUID id, int version) {
        return readable(caller, id, LockModeType.NONE).chain(workflow -> versions.find(id, version))
                .onItem().ifNull().failWith(() -> ProblemException.notFound("workflow version", id + "/" + version))
                .map(WorkflowDtos.VersionResponse::from);
    }

    private Uni<WorkflowVersion> addVersion(Workflow workflow, WorkflowDefinition definition, UUID author,
                                            Instant now) {
        WorkflowVersion version = new WorkflowVersion();
        version.id = UUID.randomUUID();
        version.workflowId = workflow.id;
        version.version = workflow.currentVersion;
        version.definition = json.convertValue(definition, new TypeReference<Map<String, Object>>() { });
        version.createdBy = author;
        version.createdAt = now;
        return versions.persist(version);
    }

    private Uni<Map<UUID, WorkflowVersion>> currentVersionsOf(List<Workflow> found) {
        if (found.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return versions.list("from WorkflowVersion v where v.workflowId in ?1 and v.version = "
                        + "(select w.currentVersion from Workflow w where w.id = v.workflowId)",
                found.stream().map(w -> w.id).toList())
                .map(list -> list.stream().collect(Collectors.toMap(v -> v.workflowId, Function.identity())));
    }

    private static void requireValidGraph(WorkflowDefinition definition) {
        List<Problem.FieldError> errors = definition.graphErrors();
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "invalid-workflow", "Invalid workflow definition",
                    errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")),
                    errors, null);
        }
    }

    /**
     * A run may use the workflow: the caller may see it (404 otherwise) and it is active (409).
     * Runs inside the caller's session.
     */
    public Uni<Void> requireRunnable(Caller caller, UUID id) {
        return readable(caller, id, LockModeType.NONE).invoke(workflow -> {
            if (!workflow.active) {
                throw ProblemException.conflict("workflow " + id + " is not active");
            }
        }).replaceWithVoid();
    }

    private Uni<Workflow> readable(Caller caller, UUID id, LockModeType lock) {
        return workflows.findById(id, lock)
                .invoke(workflow -> caller.checkRead(workflow == null ? null : workflow.ownerId, "workflow", id));
    }

    private Uni<Workflow> writable(Caller caller, UUID id, LockModeType lock) {
        return workflows.findById(id, lock)
                .invoke(workflow -> caller.checkWrite(workflow == null ? null : workflow.ownerId, "workflow", id));
    }

    private Uni<Void> requireFreeName(UUID owner, String name, UUID except) {
        return ProblemException.conflictIf(workflows.nameTaken(owner, name, except), "you already have a workflow named '" + name + "'");
    }

    private Uni<Void> record(String type, Workflow workflow) {
        return outbox.record(type, workflow.id, new AgentEvents.WorkflowChanged(workflow.id, workflow.ownerId,
                workflow.name, workflow.currentVersion, workflow.active)).replaceWithVoid();
    }
}
