package io.agentyard.worker.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import io.agentyard.worker.api.ControlPlane;
import io.agentyard.worker.config.WorkerConfig;
import io.agentyard.worker.workspace.Workspaces;

/**
 * What every run of a worker shares: the API, the configuration, the workspaces, the ask endpoint,
 * and the worker's home with its {@code bin/agentyard-worker} launcher (first on the agent's PATH, so
 * an agent can call {@code agentyard-worker ask}).
 */
record RunContext(ControlPlane api, WorkerConfig config, Workspaces workspaces, AskServer askServer, Path home,
                  Path bin) {

    static RunContext create(ControlPlane api, WorkerConfig config, Path home, AskServer askServer) throws IOException {
        WorkerConfig.createPrivateDirectory(home);
        Path bin = home.resolve("bin");
        Files.createDirectories(bin);
        WorkerConfig.createPrivateDirectory(home.resolve("prompts"));
        writeLauncher(bin.resolve("agentyard-worker"));
        Workspaces workspaces = new Workspaces(config.workDirOr(home), config.localRepositoriesAllowed());
        workspaces.sweep();
        return new RunContext(api, config, workspaces, askServer, home, bin);
    }

    Path promptFile(String runName) {
        return home.resolve("prompts").resolve(runName + ".md");
    }

    /** The environment an agent gets besides the worker's own. */
    Map<String, String> agentEnvironment(String askToken) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("AGENTYARD_ASK_URL", askServer.url());
        env.put("AGENTYARD_ASK_TOKEN", askToken);
        return env;
    }

    /** A shell launcher of this very jar with this very Java, so the agent runs the same worker version. */
    private static void writeLauncher(Path launcher) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar;
        try {
            jar = Path.of(RunContext.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IOException("cannot tell where the worker's jar is", e);
        }
        String script = "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -jar '"
                + jar + "' \"$@\"\n";
        Files.writeString(launcher, script);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
