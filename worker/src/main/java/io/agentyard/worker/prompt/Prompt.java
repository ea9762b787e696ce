package io.agentyard.worker.prompt;

import java.util.List;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentyard.worker.workspace.Git;

/**
 * The prompt an agent gets for a work order, rendered from the task as its payload carries it:
 * title, description, the repository and branch, context, the reviewer's comment on a rerun, the
 * run's input, and the context documents the task links ({@code context.contextDocumentIds}).
 */
public final class Prompt {

    /** A context document as chat-service returns it (title, type, content). */
    public record Document(String id, String title, String documentType, String content) {
    }

    /** Context documents take at most this much of the prompt, which must fit in one command-line argument. */
    static final int MAX_DOCUMENTS_CHARS = 64 * 1024;

    private Prompt() {
    }

    /** The ids in {@code context.contextDocumentIds} (at most 20, the rest ignored). */
    public static List<String> linkedDocuments(JsonNode payload) {
        JsonNode ids = payload.path("context").path("contextDocumentIds");
        if (!ids.isArray()) {
            return List.of();
        }
        return StreamSupport.stream(ids.spliterator(), false).filter(JsonNode::isTextual)
                .map(JsonNode::asText).distinct().limit(20).toList();
    }

    public static String render(JsonNode payload, List<Document> documents) {
        StringBuilder prompt = new StringBuilder();
        prompt.append("# Task: ").append(payload.path("title").asText()).append("\n\n");
        prompt.append("Type: ").append(payload.path("taskType").asText()).append(", priority: ")
                .append(payload.path("priority").asText()).append("\n");
        // credentials in the URL (https://user:token@host) are git's business, never the model's
        field(prompt, "Repository", JsonNodeFactory.instance.textNode(
                Git.withoutCredentials(payload.path("repositoryUrl").asText(""))));
        field(prompt, "Branch", payload.path("branchName"));
        field(prompt, "Issue", payload.path("issueNumber"));
        field(prompt, "Pull request", payload.path("prNumber"));
        String description = payload.path("description").asText("");
        if (!description.isBlank()) {
            prompt.append("\n## Description\n\n").append(description.strip()).append("\n");
        }
        String review = payload.path("reviewComment").asText("");
        if (!review.isBlank()) {
            prompt.append("\n## Reviewer's comment on the previous run\n\n").append(review.strip())
                    .append("\n\nAddress it in this run.\n");
        }
        JsonNode context = withoutDocumentIds(payload.path("context"));
        if (context.size() > 0) {
            prompt.append("\n## Context\n\n```json\n").append(context.toPrettyString()).append("\n```\n");
        }
        JsonNode input = payload.path("input");
        if (input.isObject() && input.size() > 0) {
            prompt.append("\n## Input\n\n```json\n").append(input.toPrettyString()).append("\n```\n");
        }
        int room = MAX_DOCUMENTS_CHARS;
        for (Document document : documents) {
            String content = document.content().strip();
            prompt.append("\n## Context document: ").append(document.title()).append(" (")
                    .append(document.documentType()).append(")\n\n");
            if (content.length() > room) {
                // one argument of a command line holds at most 128 KiB on Linux: the prompt must stay below
                prompt.append(content, 0, Math.max(0, room)).append("\n\n[cut: read the whole document, id ")
                        .append(document.id()).append(", from chat-service's /api/context-documents]\n");
                room = 0;
            } else {
                prompt.append(content).append("\n");
                room -= content.length();
            }
        }
        prompt.append("\n## How to work\n\nYou run unattended in a workspace prepared for this task. Make the change,"
                + " check it, and end with a short summary of what you did. If you cannot go on without a person's"
                + " decision, run `agentyard-worker ask \"<your question>\"`: it prints their answer.\n");
        return prompt.toString();
    }

    private static JsonNode withoutDocumentIds(JsonNode context) {
        if (!context.isObject() || !context.has("contextDocumentIds")) {
            return context.isObject() ? context : JsonNodeFactory.instance.objectNode();
        }
        ObjectNode copy = ((ObjectNode) context).deepCopy();
        copy.remove("contextDocumentIds");
        return copy;
    }

    private static void field(StringBuilder prompt, String name, JsonNode value) {
        if (!value.isMissingNode() && !value.isNull() && !value.asText().isBlank()) {
            prompt.append(name).append(": ").append(value.asText()).append("\n");
        }
    }
}
