package io.agentyard.task.project;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Projects: owned by a person, names unique per owner, deleting marks them {@code deleted}. */
@ApplicationScoped
public class ProjectService {

    static final Map<String, String> SORTABLE = Map.of("name", "lower(name)", "createdAt", "createdAt",
            "updatedAt", "updatedAt");

    private final ProjectRepository projects;

    ProjectService(ProjectRepository projects) {
        this.projects = projects;
    }

    @WithTransaction
    public Uni<ProjectDtos.ProjectResponse> create(Caller caller, ProjectDtos.Create request) {
        UUID owner = caller.id();
        return requireFreeName(owner, request.name(), null).chain(() -> {
            Instant now = Instant.now();
            Project project = new Project();
            project.id = UUID.randomUUID();
            project.ownerId = owner;
            project.name = request.name();
            project.description = request.description();
            project.repositoryUrl = request.repositoryUrl();
            project.localPath = request.localPath();
            project.framework = request.framework();
            project.language = request.language();
            project.status = Project.Status.active;
            project.agents = request.agents() == null ? new UUID[0] : request.agents().toArray(UUID[]::new);
            project.createdAt = now;
            project.updatedAt = now;
            return projects.persist(project);
        }).map(ProjectDtos.ProjectResponse::from);
    }

    /** Lists visible projects; deleted ones only when asked for by status. */
    @WithSession
    public Uni<Page<ProjectDtos.ProjectResponse>> list(Caller caller, Project.Status status, PageRequest page) {
        Conditions where = Conditions.of().equal("ownerId", caller.readableOwner()).equal("status", status);
        if (status == null) {
            where.where("status <> :notDeleted", "notDeleted", Project.Status.deleted);
        }
        return projects.find(where.query() + page.orderBy(SORTABLE, "createdAt"), where.params())
                .page(page.toPanache()).list()
                .chain(found -> projects.count(where.query(), where.params())
                        .map(total -> Page.of(found, ProjectDtos.ProjectResponse::from, page, total)));
    }

    @WithSession
    public Uni<ProjectDtos.ProjectResponse> get(Caller caller, UUID id) {
        return readable(caller, id).map(ProjectDtos.ProjectResponse::from);
    }

    @WithTransaction
    public Uni<ProjectDtos.ProjectResponse> update(Caller caller, UUID id, ProjectDtos.Update update) {
        return change(caller, id, update, false);
    }

    /**
     * PUT: the project becomes what the request says; optional fields left out are cleared (no
     * description, repository, path, framework, language, agents); its status stays.
     */
    @WithTransaction
    public Uni<ProjectDtos.ProjectResponse> replace(Caller caller, UUID id, ProjectDtos.Create request) {
        return change(caller, id, new ProjectDtos.Update(request.name(), request.description(), request.repositoryUrl(),
                request.localPath(), request.framework(), request.language(), null, request.agents()), true);
    }

    private Uni<ProjectDtos.ProjectResponse> change(Caller caller, UUID id, ProjectDtos.Update update, boolean replace) {
        if (update.status() == Project.Status.deleted) {
            throw ProblemException.invalidField("status", "use DELETE to delete a project");
        }
        return writable(caller, id).call(project -> update.name() == null ? Uni.createFrom().voidItem()
                : requireFreeName(project.ownerId, update.name(), project.id)).map(project -> {
                    if (update.name() != null) {
                        project.name = update.name();
                    }
                    if (update.description() != null || replace) {
                        project.description = update.description();
                    }
                    if (update.repositoryUrl() != null || replace) {
                        project.repositoryUrl = update.repositoryUrl();
                    }
                    if (update.localPath() != null || replace) {
                        project.localPath = update.localPath();
                    }
                    if (update.framework() != null || replace) {
                        project.framework = update.framework();
                    }
                    if (update.language() != null || replace) {
                        project.language = update.language();
                    }
                    if (update.status() != null) {
                        project.status = update.status();
                    }
                    if (update.agents() != null || replace) {
                        project.agents = update.agents() == null ? new UUID[0] : update.agents().toArray(UUID[]::new);
                    }
                    project.updatedAt = Instant.now();
                    return ProjectDtos.ProjectResponse.from(project);
                });
    }

    /** Marks the project deleted; its tasks stay and keep their history. */
    @WithTransaction
    public Uni<Void> delete(Caller caller, UUID id) {
        return writable(caller, id).invoke(project -> {
            project.status = Project.Status.deleted;
            project.updatedAt = Instant.now();
        }).replaceWithVoid();
    }

    /** For tasks: the project must exist, not be deleted, and be the caller's (or the caller an admin). */
    public Uni<Project> requireUsable(Caller caller, UUID id) {
        return writable(caller, id).invoke(project -> {
            if (project.status != Project.Status.active) {
                throw ProblemException.conflict("project " + id + " is " + project.status);
            }
        });
    }

    private Uni<Project> readable(Caller caller, UUID id) {
        return projects.findById(id).invoke(project -> caller.checkRead(
                project == null || project.status == Project.Status.deleted ? null : project.ownerId, "project", id));
    }

    private Uni<Project> writable(Caller caller, UUID id) {
        return projects.findById(id).invoke(project -> caller.checkWrite(
                project == null || project.status == Project.Status.deleted ? null : project.ownerId, "project", id));
    }

    private Uni<Void> requireFreeName(UUID owner, String name, UUID except) {
        return ProblemException.conflictIf(projects.nameTaken(owner, name, except), "you already have a project named '" + name + "'");
    }
}
