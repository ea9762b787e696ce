package io.agentyard.task.task;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TaskDependencyRepository implements PanacheRepositoryBase<TaskDependency, UUID> {

    public Uni<TaskDependency> find(UUID taskId, UUID dependsOnTaskId) {
        return find("taskId = ?1 and dependsOnTaskId = ?2", taskId, dependsOnTaskId).firstResult();
    }

    /** Edges out of ({@code taskId} depends on ...) and into (... depends on {@code taskId}) a task. */
    public Uni<List<TaskDependency>> touching(UUID taskId) {
        return list("taskId = ?1 or dependsOnTaskId = ?1", Sort.by("createdAt").and("id"), taskId);
    }

    /**
     * Serialises changes to the dependency graph, so two edges added at once cannot close a cycle
     * that neither sees alone. Held until the transaction ends.
     */
    public Uni<Void> lockGraph() {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select pg_advisory_xact_lock(hashtext('agentyard.task_dependencies'))")
                .getSingleResult()).replaceWithVoid();
    }

    /**
     * The path of {@code blocks} edges from {@code from} to {@code to} (both included), or an empty
     * list: adding "to depends on from" would close exactly this cycle.
     */
    public Uni<List<UUID>> blockingPath(UUID from, UUID to) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        with recursive chain(id, path) as (
                            select depends_on_task_id, array[task_id, depends_on_task_id]
                            from {h-schema}task_dependencies where task_id = ?1 and dependency_type = 'blocks'
                          union all
                            select d.depends_on_task_id, chain.path || d.depends_on_task_id
                            from {h-schema}task_dependencies d join chain on d.task_id = chain.id
                            where d.dependency_type = 'blocks' and not d.depends_on_task_id = any(chain.path)
                        )
                        select cast(path as text) from chain where id = ?2 limit 1""", String.class)
                .setParameter(1, from).setParameter(2, to).getResultList())
                .map(rows -> rows.isEmpty() ? List.of() : parseUuidArray(rows.get(0)));
    }

    private static List<UUID> parseUuidArray(String text) {
        String body = text.substring(1, text.length() - 1);
        return body.isEmpty() ? List.of() : java.util.Arrays.stream(body.split(",")).map(UUID::fromString).toList();
    }
}
