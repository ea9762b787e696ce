package io.agentyard.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs k8s/secrets.sh for real against a stand-in {@code kubectl} (no cluster here) that answers "missing"
 * to every {@code get} and records each {@code create secret generic NAME --from-file=KEY=FILE}: the
 * secrets the script would create, key by key, with their values.
 */
final class SecretsScript {

    private static final String STAND_IN = """
            #!/usr/bin/env bash
            # kubectl stand-in: every object is missing; secrets are written to $RECORD/<name>/<key>
            args=("$@")
            [ "${args[0]}" = -n ] && args=("${args[@]:2}")
            case "${args[0]} ${args[1]}" in
              "get "*) exit 1 ;;
              "create namespace") exit 0 ;;
              "create secret")
                name=${args[3]}; mkdir -p "$RECORD/$name"
                for arg in "${args[@]:4}"; do
                  spec=${arg#--from-file=}; cp "${spec#*=}" "$RECORD/$name/${spec%%=*}"
                done ;;
              *) echo "stand-in kubectl: unexpected $*" >&2; exit 2 ;;
            esac
            """;

    private SecretsScript() {
    }

    /** Secret name to key to value, as secrets.sh creates them with {@code environment} set. */
    static Map<String, Map<String, String>> run(Map<String, String> environment) {
        try {
            Path dir = Files.createTempDirectory("secrets-sh");
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path record = Files.createDirectories(dir.resolve("record"));
            Path kubectl = bin.resolve("kubectl");
            Files.writeString(kubectl, STAND_IN);
            Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwx------"));
            ProcessBuilder script = new ProcessBuilder("bash", Kustomize.K8S.resolve("secrets.sh").toString(), "agentyard")
                    .redirectErrorStream(true);
            script.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            script.environment().put("RECORD", record.toString());
            script.environment().putAll(environment);
            Process process = script.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("secrets.sh failed: " + output);
            }
            Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
            try (var names = Files.list(record)) {
                for (Path secret : names.sorted().toList()) {
                    Map<String, String> keys = new LinkedHashMap<>();
                    try (var files = Files.list(secret)) {
                        for (Path key : files.sorted().toList()) {
                            keys.put(key.getFileName().toString(), Files.readString(key));
                        }
                    }
                    secrets.put(secret.getFileName().toString(), keys);
                }
            }
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            return secrets;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
