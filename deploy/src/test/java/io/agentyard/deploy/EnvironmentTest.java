package io.agentyard.deploy;

import static io.agentyard.deploy.Kustomize.Yamls.at;
import static io.agentyard.deploy.Kustomize.Yamls.list;
import static io.agentyard.deploy.Kustomize.Yamls.map;
import static io.agentyard.deploy.Workloads.SERVICES;
import static io.agentyard.deploy.Workloads.containers;
import static io.agentyard.deploy.Workloads.get;
import static io.agentyard.deploy.Workloads.podSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every environment variable a service needs in a cluster reaches its container. "Needs": a
 * {@code ${AGENTYARD_...}} its application.properties or shared-model's defaults read outside the test
 * profile whose default cannot work in a pod (none, empty, localhost, a relative path), less the
 * exceptions below, plus the ones the README calls required.
 */
class EnvironmentTest {

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{(AGENTYARD_[A-Z0-9_]+)(?::([^}]*))?}");

    /** Required by the README whatever the properties say (they read them with empty defaults). */
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "identity-service", List.of("AGENTYARD_JWT_PRIVATE_KEY_LOCATION", "AGENTYARD_ADMIN_PASSWORD"),
            "execution-service", List.of("AGENTYARD_SERVICE_CLIENT_ID", "AGENTYARD_SERVICE_CLIENT_SECRET"),
            "chat-service", List.of("AGENTYARD_SERVICE_CLIENT_ID", "AGENTYARD_SERVICE_CLIENT_SECRET"));

    /** Local defaults that are right in a pod too, or variables only some services use. */
    private static final Map<String, String> NOT_NEEDED = Map.of(
            "AGENTYARD_JWT_PUBLIC_KEY_LOCATION", "identity-service verifies with its own JWKS on localhost: its own pod",
            "AGENTYARD_SERVICE_CLIENT_ID", "only services that call others in the background (REQUIRED names them)",
            "AGENTYARD_SERVICE_CLIENT_SECRET", "only services that call others in the background (REQUIRED names them)",
            "AGENTYARD_JWT_NEXT_KEY_LOCATION", "set only during a signing-key rotation (README)",
            "AGENTYARD_JWT_PREVIOUS_KEY_LOCATION", "set only during a signing-key rotation (README)",
            "AGENTYARD_CORS_ORIGINS", "unset is CORS off, right in a pod; set only for a browser console (README)",
            "AGENTYARD_OTLP_HEADERS", "only for a trace collector that wants them; no collector, no export (README Tracing)",
            "AGENTYARD_TRACE_SAMPLE_RATIO", "unset: every trace with a collector, none recorded without one (README Tracing)");

    /** The variables {@code service} reads, with their defaults (null: none), test-profile lines left out. */
    static Map<String, String> variables(String service) {
        return variables(List.of(Workloads.sharedProperties(), Workloads.applicationProperties(service)));
    }

    static Map<String, String> variables(List<String> texts) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String text : texts) {
            for (String line : text.split("\n")) {
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || trimmed.startsWith("%") || trimmed.isEmpty()) {
                    continue;
                }
                Matcher m = EXPRESSION.matcher(trimmed);
                while (m.find()) {
                    variables.put(m.group(1), m.group(2));
                }
            }
        }
        return variables;
    }

    static boolean localDefault(String value) {
        return value == null || value.isBlank() || value.contains("localhost") || value.contains("127.0.0.1")
                || (value.contains("/") && !value.startsWith("/") && !value.contains("://"));
    }

    static List<String> needed(String service) {
        List<String> needed = new ArrayList<>();
        variables(service).forEach((name, value) -> {
            if (localDefault(value) && !NOT_NEEDED.containsKey(name)) {
                needed.add(name);
            }
        });
        needed.addAll(REQUIRED.getOrDefault(service, List.of()));
        return needed;
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyVariableAServiceNeedsInAPodIsSetAndNoneNamesLocalhost(String dir) {
        List<Map<String, Object>> objects = Kustomize.render(dir);
        for (String service : SERVICES) {
            List<String> needed = needed(service);
            assertTrue(needed.containsAll(List.of("AGENTYARD_DB_URL", "AGENTYARD_DB_PASSWORD", "AGENTYARD_REDIS_URL",
                    "AGENTYARD_JWKS_URL")), service + " reads the shared variables: " + needed);
            Map<String, String> env = Workloads.environment(containers(get(objects, "Deployment", service)).get(0), objects);
            for (String name : needed) {
                assertTrue(env.containsKey(name), dir + ": " + service + " needs " + name + " in a pod; its container has " + env.keySet());
                assertFalse(env.get(name).contains("localhost") || env.get(name).contains("127.0.0.1"),
                        dir + ": " + service + " " + name + "=" + env.get(name));
            }
        }
    }

    /**
     * The gateway (no shared-model: its own application.properties alone) finds each service the route table
     * names at {@code agentyard.gateway.services.<service>=${VARIABLE:...}}: in a pod, the variable names that
     * service's Service on its port, and nothing it reads defaults to localhost there.
     */
    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void theGatewayFindsEveryServiceAtItsServiceAndNoVariableOfItNamesLocalhost(String dir) {
        List<Map<String, Object>> objects = Kustomize.render(dir);
        Map<String, String> env = Workloads.environment(containers(get(objects, "Deployment", Workloads.GATEWAY)).get(0), objects);
        Pattern located = Pattern.compile("agentyard\\.gateway\\.services\\.([a-z-]+)=\\$\\{(AGENTYARD_[A-Z0-9_]+):[^}]*}");
        Map<String, String> variableOf = new LinkedHashMap<>();
        for (String line : Workloads.applicationProperties(Workloads.GATEWAY).split("\n")) {
            Matcher m = located.matcher(line.strip());
            if (m.matches()) {
                variableOf.put(m.group(1), m.group(2));
            }
        }
        assertEquals(Set.copyOf(SERVICES), variableOf.keySet(), "the gateway locates the five services");
        variableOf.forEach((service, variable) -> assertEquals("http://" + service + ":" + Workloads.httpPort(service),
                env.get(variable), dir + ": the gateway's " + variable));
        variables(List.of(Workloads.applicationProperties(Workloads.GATEWAY))).forEach((name, value) -> {
            if (localDefault(value) && !NOT_NEEDED.containsKey(name)) {
                assertTrue(env.containsKey(name), dir + ": the gateway needs " + name + " in a pod; it has " + env.keySet());
                assertFalse(env.get(name).contains("localhost") || env.get(name).contains("127.0.0.1"), dir + ": gateway " + name);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void filesTheServicesReadAndWriteAreOnVolumes(String dir) {
        List<Map<String, Object>> objects = Kustomize.render(dir);
        // identity-service's signing key: a file of the agentyard-jwt secret's volume
        Map<String, Object> identity = get(objects, "Deployment", "identity-service");
        String key = Workloads.environment(containers(identity).get(0), objects).get("AGENTYARD_JWT_PRIVATE_KEY_LOCATION");
        assertEquals("/etc/agentyard/jwt/private-key.pem", key);
        assertEquals("/etc/agentyard/jwt", mountOf(identity, "jwt"));
        Object jwt = list(podSpec(identity).get("volumes")).stream().filter(v -> "jwt".equals(map(v).get("name"))).findFirst().orElseThrow();
        assertEquals("agentyard-jwt", at(jwt, "secret", "secretName"));
        assertEquals(Map.of("key", "private-key.pem", "path", "private-key.pem"), list(at(jwt, "secret", "items")).get(0));
        // chat-service's attachments: a directory on the shared claim, ReadWriteMany wherever it has replicas
        Map<String, Object> chat = get(objects, "Deployment", "chat-service");
        String attachments = Workloads.environment(containers(chat).get(0), objects).get("AGENTYARD_ATTACHMENTS_DIR");
        assertEquals(attachments, mountOf(chat, "attachments"));
        Object claim = list(at(get(objects, "PersistentVolumeClaim", "chat-attachments"), "spec", "accessModes")).get(0);
        int maxReplicas = ((Number) at(get(objects, "HorizontalPodAutoscaler", "chat-service"), "spec", "maxReplicas")).intValue();
        assertEquals(maxReplicas > 1 ? "ReadWriteMany" : "ReadWriteOnce", claim, "chat-attachments with up to " + maxReplicas + " replicas");
        assertTrue(Set.of("ReadWriteMany", "ReadWriteOnce").contains(claim));
    }

    private static String mountOf(Map<String, Object> deployment, String volume) {
        return list(containers(deployment).get(0).get("volumeMounts")).stream().map(m -> map(m))
                .filter(m -> volume.equals(m.get("name"))).map(m -> (String) m.get("mountPath")).findFirst()
                .orElseThrow(() -> new AssertionError("no mount of " + volume));
    }
}
