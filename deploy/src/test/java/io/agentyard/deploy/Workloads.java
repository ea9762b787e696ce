package io.agentyard.deploy;

import static io.agentyard.deploy.Kustomize.Yamls.at;
import static io.agentyard.deploy.Kustomize.Yamls.list;
import static io.agentyard.deploy.Kustomize.Yamls.map;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading rendered objects: kinds, names, pod templates, containers, and the services' own configuration. */
final class Workloads {

    /** The five services and the module each is built from (the module's directory beside deploy/). */
    static final List<String> SERVICES = List.of("identity-service", "agent-service", "task-service",
            "execution-service", "chat-service");

    /**
     * The gateway (module gateway): serves the merged OpenAPI document and Swagger UI behind the Ingress. A
     * workload like the services (probes, scaling, security) but no service of theirs: no database, no Redis,
     * no token, and only the ingress controller calls it.
     */
    static final String GATEWAY = "gateway";

    /** The services and the gateway: every Deployment built from a Quarkus module of the suite. */
    static final List<String> QUARKUS_APPS = List.of("identity-service", "agent-service", "task-service",
            "execution-service", "chat-service", GATEWAY);

    private Workloads() {
    }

    static String kind(Map<String, Object> object) {
        return (String) object.get("kind");
    }

    static String name(Map<String, Object> object) {
        return (String) at(object, "metadata", "name");
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(kind(o))).toList();
    }

    static Optional<Map<String, Object>> find(List<Map<String, Object>> objects, String kind, String name) {
        return objects.stream().filter(o -> kind.equals(kind(o)) && name.equals(name(o))).findFirst();
    }

    static Map<String, Object> get(List<Map<String, Object>> objects, String kind, String name) {
        return find(objects, kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    /** Deployments and StatefulSets. */
    static List<Map<String, Object>> workloads(List<Map<String, Object>> objects) {
        return objects.stream().filter(o -> List.of("Deployment", "StatefulSet").contains(kind(o))).toList();
    }

    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(at(workload, "spec", "template", "spec"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> podLabels(Map<String, Object> workload) {
        return (Map<String, String>) (Map<?, ?>) map(at(workload, "spec", "template", "metadata", "labels"));
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return list(podSpec(workload).get("containers")).stream().map(c -> map(c)).toList();
    }

    /** Containers and init containers of a workload's pods; none for any other object. */
    static List<Map<String, Object>> allContainers(Map<String, Object> object) {
        if (!List.of("Deployment", "StatefulSet").contains(kind(object))) {
            return List.of();
        }
        List<Map<String, Object>> all = new ArrayList<>(containers(object));
        list(podSpec(object).get("initContainers")).forEach(c -> all.add(map(c)));
        return all;
    }

    /** The container port a probe or Service names, by name or number. */
    static Optional<Integer> containerPort(Map<String, Object> container, Object port) {
        for (Object item : list(container.get("ports"))) {
            Map<String, Object> p = map(item);
            if (port.equals(p.get("name")) || port.equals(p.get("containerPort"))) {
                return Optional.of((Integer) p.get("containerPort"));
            }
        }
        return Optional.empty();
    }

    /** Whether a label selector ({@code matchLabels}, {@code matchExpressions}, or a plain map) selects labels. */
    static boolean selects(Map<String, Object> selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        boolean structured = selector.containsKey("matchLabels") || selector.containsKey("matchExpressions");
        Map<String, Object> matchLabels = structured ? map(selector.get("matchLabels")) : selector;
        for (Map.Entry<String, Object> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Object item : structured ? list(selector.get("matchExpressions")) : List.of()) {
            Map<String, Object> expression = map(item);
            String value = labels.get((String) expression.get("key"));
            List<Object> values = list(expression.get("values"));
            boolean ok = switch ((String) expression.get("operator")) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalStateException("operator " + expression.get("operator"));
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    // ---- the services' configuration, read from their sources ----

    static Path module(String module) {
        return Path.of("..", module).toAbsolutePath().normalize();
    }

    static String applicationProperties(String service) {
        return read(module(service).resolve("src/main/resources/application.properties"));
    }

    static String sharedProperties() {
        return read(module("shared-model").resolve("src/main/resources/META-INF/microprofile-config.properties"));
    }

    /**
     * The module's HTTP port, {@code quarkus.http.port} of its application.properties; of a
     * {@code ${VARIABLE:default}} the default (the manifests set no such variable).
     */
    static int httpPort(String module) {
        String port = property(module, "quarkus.http.port");
        Matcher expression = Pattern.compile("\\$\\{[A-Z0-9_]+:(\\d+)}").matcher(port);
        return Integer.parseInt(expression.matches() ? expression.group(1) : port);
    }

    /** The schema the service owns and migrates, {@code quarkus.flyway.schemas} of its application.properties. */
    static String schema(String service) {
        return property(service, "quarkus.flyway.schemas");
    }

    static String property(String service, String key) {
        Properties properties = new Properties();
        try {
            properties.load(new java.io.StringReader(applicationProperties(service)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty(key);
    }

    /** Environment variables a container gets: its env names, and the keys of the ConfigMaps it takes whole. */
    static Map<String, String> environment(Map<String, Object> container, List<Map<String, Object>> objects) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object item : list(container.get("envFrom"))) {
            Object configMap = at(item, "configMapRef", "name");
            if (configMap != null) {
                map(get(objects, "ConfigMap", (String) configMap).get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
            }
        }
        for (Object item : list(container.get("env"))) {
            Map<String, Object> var = map(item);
            env.put((String) var.get("name"), var.containsKey("value") ? String.valueOf(var.get("value")) : "(from " + var.get("valueFrom") + ")");
        }
        return env;
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
