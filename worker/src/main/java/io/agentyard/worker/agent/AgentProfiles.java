package io.agentyard.worker.agent;

import java.util.Map;

import io.agentyard.worker.config.WorkerConfig.AgentCommand;

/**
 * The agent commands the worker knows by name ({@code register --agent claude}); any other command
 * is given whole ({@code --command ... --format ...}).
 */
public final class AgentProfiles {

    /**
     * Claude Code in print mode with its JSON event stream (needs {@code --verbose}); edits are
     * accepted without asking, since nobody sits at the terminal, and so is its Bash tool running
     * {@code agentyard-worker ask}, its way to ask a person. Codex likewise ({@code --full-auto}:
     * workspace-write sandbox, no approvals). {@code demo} needs no agent CLI: the worker's own
     * stand-in that reads the prompt, writes a file and reports.
     */
    public static final Map<String, AgentCommand> BUILT_IN = Map.of(
            "claude", new AgentCommand("claude -p {prompt} --output-format stream-json --verbose"
                    + " --permission-mode acceptEdits --allowedTools 'Bash(agentyard-worker ask:*)'", "claude-stream-json"),
            "codex", new AgentCommand("codex exec --json --full-auto {prompt}", "codex-json"),
            "demo", new AgentCommand("agentyard-worker demo-agent {promptFile}", "text"));

    private AgentProfiles() {
    }

    public static AgentCommand named(String name) {
        AgentCommand command = BUILT_IN.get(name);
        if (command == null) {
            throw new IllegalArgumentException("unknown agent '" + name + "': one of " + BUILT_IN.keySet()
                    + ", or give --command and --format");
        }
        return command;
    }
}
