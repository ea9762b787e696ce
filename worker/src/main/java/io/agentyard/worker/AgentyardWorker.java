package io.agentyard.worker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentyard.worker.agent.AgentOutput;
import io.agentyard.worker.agent.AgentProfiles;
import io.agentyard.worker.api.ApiException;
import io.agentyard.worker.api.ControlPlane;
import io.agentyard.worker.config.Endpoints;
import io.agentyard.worker.config.WorkerConfig;
import io.agentyard.worker.config.WorkerConfig.AgentCommand;
import io.agentyard.worker.run.Supervisor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

/**
 * {@code agentyard-worker}: registers a machine as an Agentyard worker, runs the agent CLIs the
 * control plane dispatches to it, and lets a running agent ask a person a question.
 * Exit codes: 0 done, 1 unexpected error, 2 bad usage or configuration, 3 credentials refused,
 * 4 worker unknown to the control plane, 5 control plane unreachable, 6 the question was not answered.
 */
@Command(name = "agentyard-worker", mixinStandardHelpOptions = true, version = AgentyardWorker.VERSION,
        description = "Runs coding agents (Claude Code, Codex, any command) for an Agentyard control plane.",
        subcommands = {AgentyardWorker.Register.class, AgentyardWorker.Run.class, AgentyardWorker.Ask.class,
                AgentyardWorker.DemoAgent.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:unexpected error", "2:bad usage or configuration", "3:credentials refused",
                "4:worker unknown to the control plane", "5:control plane unreachable", "6:question not answered"})
public final class AgentyardWorker {

    static final String VERSION = "agentyard-worker 0.1.0";
    static final List<String> LEVELS = List.of("beginner", "intermediate", "advanced", "expert");
    static final List<String> TASK_TYPES = List.of("feature", "bugfix", "test", "docs", "refactor", "review");
    static final int USAGE = 2;
    static final int REFUSED = 3;
    static final int UNKNOWN = 4;
    static final int UNREACHABLE = 5;
    static final int UNANSWERED = 6;

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s %5$s%6$s%n");
        CommandLine cli = new CommandLine(new AgentyardWorker());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("agentyard-worker: " + e.getMessage());
            if (e instanceof ApiException api) {
                return api.status() == 0 ? UNREACHABLE : api.is(401) ? REFUSED : 1;
            }
            return e instanceof IllegalArgumentException || e instanceof IOException ? USAGE : 1;
        });
        System.exit(cli.execute(args));
    }

    /** Options every command that talks to the control plane shares. */
    static class Home {
        @Option(names = "--home", description = "where the worker keeps its configuration and workspaces"
                + " (default: $AGENTYARD_WORKER_HOME or ~/.agentyard-worker)")
        Path home;

        Path home() {
            return home != null ? home : WorkerConfig.defaultHome();
        }
    }

    @Command(name = "register", description = "Creates this worker in the control plane and stores its credentials.")
    static final class Register implements Callable<Integer> {
        @CommandLine.Mixin
        Home home = new Home();
        @Option(names = "--name", required = true, description = "the worker's name")
        String name;
        @Option(names = "--type", required = true, description = "worker type = the task type it serves:"
                + " feature, bugfix, test, docs, refactor, review")
        String type;
        @Option(names = "--queue", description = "a queue to claim from (repeatable; default: the type)")
        List<String> queues = new ArrayList<>();
        @Option(names = "--capability", description = "name[:level], level beginner|intermediate|advanced|expert (repeatable)")
        List<String> capabilities = new ArrayList<>();
        @Option(names = "--max-concurrent", description = "orders run at once (default 1)")
        Integer maxConcurrent;
        @Option(names = "--timeout-seconds", description = "longest run of an order, unless its task says otherwise")
        Integer timeoutSeconds;
        @Option(names = "--agent", description = "a known agent: claude, codex or demo (default demo)")
        String agent;
        @Option(names = "--command", description = "any agent command line; {prompt}, {promptFile}, {workspace}, {taskId} are filled in")
        String command;
        @Option(names = "--format", description = "what --command writes: claude-stream-json, codex-json or text (default text)")
        String format;
        @Option(names = "--agent-for", description = "TYPE=AGENT: a known agent for one task type instead (repeatable),"
                + " e.g. review=codex")
        Map<String, String> agentFor = new LinkedHashMap<>();
        @Option(names = "--work-dir", description = "where repositories are cloned and runs happen (default <home>/workspaces)")
        Path workDir;
        @Option(names = "--enrollment-token", description = "a one-time token an admin created"
                + " (POST /api/enrollment-tokens); or $AGENTYARD_ENROLLMENT_TOKEN")
        String enrollmentToken;
        @Option(names = "--admin-user", description = "register with an admin's credentials instead"
                + " (password from $AGENTYARD_ADMIN_PASSWORD)")
        String adminUser;
        @Option(names = "--answers-on-stdin", description = "the agent reads people's answers to the questions in its"
                + " output on stdin (e.g. Claude Code with --input-format stream-json)")
        boolean answersOnStdin;
        @Option(names = "--allow-local-repositories", description = "let tasks name repositories on this machine (file://)")
        boolean allowLocalRepositories;

        @Override
        public Integer call() throws IOException {
            Path dir = home.home();
            if (!TASK_TYPES.contains(type)) {
                throw new IllegalArgumentException("--type: unknown worker type '" + type + "', one of " + TASK_TYPES);
            }
            AgentCommand agentCommand = command != null
                    ? new AgentCommand(command, format == null ? "text" : format, answersOnStdin ? true : null)
                    : AgentProfiles.named(agent == null ? "demo" : agent);
            AgentOutput.forFormat(agentCommand.format()); // an unknown format fails here, not at the first order
            Map<String, AgentCommand> agents = new LinkedHashMap<>();
            agents.put("*", agentCommand);
            agentFor.forEach((taskType, named) -> {
                if (!TASK_TYPES.contains(taskType)) {
                    throw new IllegalArgumentException("--agent-for: unknown task type '" + taskType + "', one of " + TASK_TYPES);
                }
                agents.put(taskType, AgentProfiles.named(named));
            });
            ObjectNode registration = registration(); // bad capabilities fail here, before a token is used up
            Endpoints endpoints = Endpoints.from(System.getenv(), Endpoints.LOCAL);
            WorkerConfig existing = Files.isRegularFile(dir.resolve(WorkerConfig.FILE)) ? WorkerConfig.load(dir) : null;
            ControlPlane.Credentials credentials = existing == null ? null : stillValid(existing, endpoints);
            String workerId;
            if (credentials != null) {
                // registered before, and its credentials still work: describe it anew, enrol nothing
                workerId = existing.workerId();
            } else {
                JsonNode enrolled = enroll(endpoints);
                workerId = enrolled.path("workerId").asText();
                credentials = new ControlPlane.Credentials(enrolled.path("clientId").asText(),
                        enrolled.path("clientSecret").asText());
            }
            WorkerConfig config = new WorkerConfig(workerId, name, type, queues.isEmpty() ? List.of(type) : queues,
                    credentials.clientId(), credentials.clientSecret(), endpoints, agents,
                    workDir == null ? null : workDir.toAbsolutePath().toString(), allowLocalRepositories ? true : null);
            // the credentials are kept before anything else can fail: they cannot be fetched again
            config.save(dir);
            ControlPlane.Credentials own = credentials;
            new ControlPlane(endpoints, () -> own).put(endpoints.agent() + "/api/workers/me", registration);
            System.out.println((existing != null && existing.workerId().equals(workerId) ? "Updated" : "Registered")
                    + " worker " + name + " (" + workerId + "), type " + type + ", queues " + config.queues()
                    + "; configuration in " + dir.resolve(WorkerConfig.FILE));
            System.out.println("Start it with: agentyard-worker run" + (home.home != null ? " --home " + dir : ""));
            return 0;
        }

        /** The stored credentials, when identity-service still takes them (null when refused: enrol again). */
        private static ControlPlane.Credentials stillValid(WorkerConfig existing, Endpoints endpoints) {
            ControlPlane.Credentials stored = new ControlPlane.Credentials(existing.clientId(), existing.clientSecret());
            try {
                new ControlPlane(endpoints, () -> stored).token();
                return stored;
            } catch (ApiException e) {
                if (e.is(401)) {
                    return null;
                }
                throw e;
            }
        }

        private JsonNode enroll(Endpoints endpoints) {
            String token = enrollmentToken != null ? enrollmentToken : System.getenv("AGENTYARD_ENROLLMENT_TOKEN");
            ControlPlane anonymous = new ControlPlane(endpoints, () -> null);
            if (token == null || token.isBlank()) {
                if (adminUser == null) {
                    throw new IllegalArgumentException("give --enrollment-token (or $AGENTYARD_ENROLLMENT_TOKEN), or"
                            + " --admin-user with $AGENTYARD_ADMIN_PASSWORD");
                }
                String password = System.getenv("AGENTYARD_ADMIN_PASSWORD");
                if (password == null || password.isBlank()) {
                    throw new IllegalArgumentException("--admin-user needs the password in $AGENTYARD_ADMIN_PASSWORD");
                }
                String admin = anonymous.login(adminUser, password);
                token = anonymous.createEnrollmentToken(admin, "agentyard-worker register " + name).path("token").asText();
            }
            return anonymous.enroll(token, name);
        }

        private ObjectNode registration() {
            ObjectNode body = ControlPlane.JSON.createObjectNode().put("name", name).put("workerType", type)
                    .put("version", VERSION);
            if (maxConcurrent != null) {
                body.put("maxConcurrentTasks", maxConcurrent);
            }
            if (timeoutSeconds != null) {
                body.put("timeoutSeconds", timeoutSeconds);
            }
            var list = body.putArray("capabilities");
            for (String capability : capabilities) {
                int colon = capability.indexOf(':');
                ObjectNode item = list.addObject().put("name", colon < 0 ? capability : capability.substring(0, colon));
                if (colon >= 0) {
                    String level = capability.substring(colon + 1);
                    if (!LEVELS.contains(level)) {
                        throw new IllegalArgumentException("--capability " + capability + ": the level must be one of " + LEVELS);
                    }
                    item.put("level", level);
                }
            }
            return body;
        }
    }

    @Command(name = "run", description = "Claims work orders and runs the agent on them until stopped (SIGTERM or Ctrl-C).")
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        Home home = new Home();
        @Option(names = "--grace", defaultValue = "${env:AGENTYARD_WORKER_GRACE:-PT5M}",
                description = "on SIGTERM, how long running orders may still finish (ISO-8601, default PT5M)")
        Duration grace;

        @Override
        public Integer call() throws Exception {
            Path dir = home.home();
            WorkerConfig config = WorkerConfig.load(dir);
            Endpoints endpoints = Endpoints.from(System.getenv(), config.endpoints());
            ControlPlane api = new ControlPlane(endpoints,
                    () -> new ControlPlane.Credentials(config.clientId(), config.clientSecret()));
            Supervisor supervisor = new Supervisor(api, config, dir, grace);
            Signal.handle(new Signal("TERM"), signal -> supervisor.stop());
            Signal.handle(new Signal("INT"), signal -> supervisor.stop());
            try {
                supervisor.run();
            } catch (Supervisor.CredentialsRefused e) {
                System.err.println("agentyard-worker: " + e.getMessage());
                return REFUSED;
            } catch (Supervisor.NotRegistered e) {
                System.err.println("agentyard-worker: " + e.getMessage());
                return UNKNOWN;
            }
            System.err.println("agentyard-worker: stopped");
            return 0;
        }
    }

    @Command(name = "ask", description = "From inside a run: asks a person on the task's conversation and prints the answer.")
    static final class Ask implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "the question")
        List<String> words;

        @Override
        public Integer call() throws Exception {
            String url = System.getenv("AGENTYARD_ASK_URL");
            String token = System.getenv("AGENTYARD_ASK_TOKEN");
            if (url == null || token == null) {
                System.err.println("agentyard-worker ask: not inside an agentyard-worker run (no AGENTYARD_ASK_URL)");
                return USAGE;
            }
            String body = ControlPlane.JSON.writeValueAsString(Map.of("question", String.join(" ", words)));
            HttpResponse<String> answer;
            try {
                answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                System.err.println("agentyard-worker ask: the worker that started this run is gone (" + e.getMessage() + ")");
                return UNANSWERED;
            }
            if (answer.statusCode() != 200) {
                System.err.println("agentyard-worker ask: " + answer.body());
                return answer.statusCode() == 400 ? USAGE : UNANSWERED;
            }
            System.out.println(answer.body());
            return 0;
        }
    }

    @Command(name = "demo-agent", description = "A stand-in agent for trying Agentyard without an agent CLI:"
            + " reads the prompt, writes AGENTYARD_DEMO.md in the workspace and reports.")
    static final class DemoAgent implements Callable<Integer> {
        @Parameters(index = "0", description = "the prompt file")
        Path promptFile;

        @Override
        public Integer call() throws IOException {
            String prompt = Files.readString(promptFile, StandardCharsets.UTF_8);
            String title = prompt.lines().findFirst().orElse("").replaceFirst("^# Task: ", "");
            System.out.println("demo agent: read the task \"" + title + "\" (" + prompt.length() + " characters of prompt)");
            Map<String, String> notes = new LinkedHashMap<>();
            notes.put("task", title);
            notes.put("workspace", Path.of("").toAbsolutePath().toString());
            Files.writeString(Path.of("AGENTYARD_DEMO.md"), "# " + title + "\n\nThe demo agent ran here. A real agent"
                    + " (Claude Code, Codex) would have changed the code.\n");
            System.out.println("demo agent: wrote AGENTYARD_DEMO.md " + notes);
            System.out.println("demo agent: done");
            return 0;
        }
    }
}
