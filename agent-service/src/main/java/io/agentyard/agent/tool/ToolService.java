package io.agentyard.agent.tool;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** The tool registry: unique names, admins write, everyone reads. */
@ApplicationScoped
public class ToolService {

    static final Map<String, String> SORTABLE = Map.of("name", "lower(name)", "createdAt", "createdAt",
            "toolType", "toolType");

    private final ToolRepository tools;

    ToolService(ToolRepository tools) {
        this.tools = tools;
    }

    @WithTransaction
    public Uni<ToolDtos.ToolResponse> create(ToolDtos.Create request) {
        return requireFreeName(request.name(), null).chain(() -> {
            Instant now = Instant.now();
            Tool tool = new Tool();
            tool.id = UUID.randomUUID();
            tool.name = request.name();
            tool.description = request.description();
            tool.toolType = request.toolType();
            tool.configuration = request.configuration() == null ? Map.of() : new HashMap<>(request.configuration());
            tool.active = request.active() == null || request.active();
            tool.createdAt = now;
            tool.updatedAt = now;
            return tools.persist(tool);
        }).map(ToolDtos.ToolResponse::from);
    }

    @WithSession
    public Uni<Page<ToolDtos.ToolResponse>> list(Tool.Type type, Boolean active, PageRequest page) {
        Conditions where = Conditions.of().equal("toolType", type).equal("active", active);
        return tools.find(where.query() + page.orderBy(SORTABLE, "name"), where.params()).page(page.toPanache()).list()
                .chain(found -> tools.count(where.query(), where.params())
                        .map(total -> Page.of(found, ToolDtos.ToolResponse::from, page, total)));
    }

    @WithSession
    public Uni<ToolDtos.ToolResponse> get(UUID id) {
        return existing(id).map(ToolDtos.ToolResponse::from);
    }

    @WithTransaction
    public Uni<ToolDtos.ToolResponse> update(UUID id, ToolDtos.Update update) {
        return existing(id).call(tool -> update.name() == null ? Uni.createFrom().voidItem()
                : requireFreeName(update.name(), tool.id)).map(tool -> {
                    if (update.name() != null) {
                        tool.name = update.name();
                    }
                    if (update.description() != null) {
                        tool.description = update.description();
                    }
                    if (update.toolType() != null) {
                        tool.toolType = update.toolType();
                    }
                    if (update.configuration() != null) {
                        tool.configuration = new HashMap<>(update.configuration());
                    }
                    if (update.active() != null) {
                        tool.active = update.active();
                    }
                    tool.updatedAt = Instant.now();
                    return ToolDtos.ToolResponse.from(tool);
                });
    }

    @WithTransaction
    public Uni<Void> delete(UUID id) {
        return existing(id).call(tool -> tools.delete(tool)).replaceWithVoid();
    }

    private Uni<Tool> existing(UUID id) {
        return tools.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("tool", id));
    }

    private Uni<Void> requireFreeName(String name, UUID except) {
        return ProblemException.conflictIf(tools.nameTaken(name, except), "a tool named '" + name + "' already exists");
    }
}
