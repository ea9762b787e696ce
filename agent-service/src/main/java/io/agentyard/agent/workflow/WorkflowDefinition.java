package io.agentyard.agent.workflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.agentyard.shared.problem.Problem;

/**
 * A workflow's graph of steps: nodes, directed edges between them, and the entry node.
 * <pre>{"entry": "plan", "nodes": [{"id": "plan", "type": "llm_call"}, ...],
 *  "edges": [{"from": "plan", "to": "code", "condition": "approved"}]}</pre>
 */
public record WorkflowDefinition(
        @NotBlank @Size(max = 100) String entry,
        @NotNull @Size(min = 1, max = 500) List<@Valid @NotNull Node> nodes,
        @Size(max = 2000) List<@Valid @NotNull Edge> edges) {

    /** What a step does. */
    @Schema(name = "WorkflowNodeType")
    public enum NodeType { llm_call, tool, decision, human_approval, code, subworkflow, end }

    @Schema(name = "WorkflowNode")
    public record Node(@NotBlank @Size(max = 100) String id, @NotNull NodeType type, @Size(max = 200) String name,
                       @Size(max = 100) Map<String, Object> config) {
    }

    @Schema(name = "WorkflowEdge")
    public record Edge(@NotBlank @Size(max = 100) String from, @NotBlank @Size(max = 100) String to,
                       @Size(max = 500) String condition) {
    }

    /**
     * What is wrong with the graph, field by field: duplicate node ids, an entry that is no node,
     * edges that start or end nowhere (dangling), edges leaving an {@code end} node.
     */
    public List<Problem.FieldError> graphErrors() {
        List<Problem.FieldError> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> ends = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (!ids.add(node.id())) {
                errors.add(new Problem.FieldError("definition.nodes[" + i + "].id",
                        "duplicate node id '" + node.id() + "'"));
            }
            if (node.type() == NodeType.end) {
                ends.add(node.id());
            }
        }
        if (!ids.contains(entry)) {
            errors.add(new Problem.FieldError("definition.entry", "names no node: '" + entry + "'"));
        }
        List<Edge> all = edges == null ? List.of() : edges;
        for (int i = 0; i < all.size(); i++) {
            Edge edge = all.get(i);
            if (!ids.contains(edge.from())) {
                errors.add(new Problem.FieldError("definition.edges[" + i + "].from",
                        "dangling edge: no node '" + edge.from() + "'"));
            }
            if (!ids.contains(edge.to())) {
                errors.add(new Problem.FieldError("definition.edges[" + i + "].to",
                        "dangling edge: no node '" + edge.to() + "'"));
            }
            if (ends.contains(edge.from())) {
                errors.add(new Problem.FieldError("definition.edges[" + i + "].from",
                        "an end node has no outgoing edges"));
            }
        }
        return errors;
    }
}
