package io.agentyard.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders a kustomization as {@code kubectl apply -k} would, into plain objects (maps and lists as YAML
 * gives them). With {@code kubectl kustomize} or {@code kustomize build} on the PATH it asks them; without
 * (a machine of this project need not have either) it uses {@link #mini(Path)}, a renderer of the few
 * kustomize features deploy/k8s uses. {@code -Dagentyard.kustomize=mini} forces the latter, {@code binary}
 * the former; RendererTest checks that both agree where a binary exists.
 */
final class Kustomize {

    static final Path K8S = Path.of("k8s").toAbsolutePath();
    private static final Map<String, List<Map<String, Object>>> CACHE = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The rendered objects of deploy/k8s/{@code dir} (base, overlays/dev, overlays/prod). */
    static List<Map<String, Object>> render(String dir) {
        return CACHE.computeIfAbsent(dir, d -> {
            String mode = System.getProperty("agentyard.kustomize", "auto");
            Optional<List<String>> binary = binary();
            if (mode.equals("binary") && binary.isEmpty()) {
                throw new IllegalStateException("-Dagentyard.kustomize=binary: neither kubectl nor kustomize is on the PATH");
            }
            return !mode.equals("mini") && binary.isPresent() ? withBinary(binary.get(), K8S.resolve(d)) : mini(K8S.resolve(d));
        });
    }

    /** {@code kubectl kustomize} or {@code kustomize build}, whichever the PATH has. */
    static Optional<List<String>> binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "kustomize"))) {
                return Optional.of(List.of(Path.of(dir, "kustomize").toString(), "build"));
            }
            if (Files.isExecutable(Path.of(dir, "kubectl"))) {
                return Optional.of(List.of(Path.of(dir, "kubectl").toString(), "kustomize"));
            }
        }
        return Optional.empty();
    }

    static List<Map<String, Object>> withBinary(List<String> command, Path dir) {
        try {
            List<String> full = new ArrayList<>(command);
            full.add(dir.toString());
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            Process process = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(full + " did not finish in 60 s");
            }
            String yaml = Files.readString(out, StandardCharsets.UTF_8);
            String errors = Files.readString(err, StandardCharsets.UTF_8);
            Files.delete(out);
            Files.delete(err);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(full + " failed: " + errors);
            }
            return Yamls.objects(yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- the renderer of last resort: what deploy/k8s uses of kustomize, nothing more ----

    /**
     * {@code resources} (files and directories with a kustomization), {@code patches} (a file of strategic
     * merge patches, or an inline JSON 6902 patch or strategic merge patch for a {@code target} of kind and
     * optional name), {@code images} (newName, newTag), {@code namespace} and {@code configMapGenerator}
     * (from files, without the name's hash suffix). Anything else in a kustomization fails here rather
     * than being ignored.
     */
    static List<Map<String, Object>> mini(Path dir) {
        Map<String, Object> kustomization = Yamls.map(Yamls.load(read(dir.resolve("kustomization.yaml"))).get(0));
        for (String key : kustomization.keySet()) {
            if (!List.of("apiVersion", "kind", "resources", "patches", "images", "namespace", "configMapGenerator").contains(key)) {
                throw new IllegalStateException(dir + ": the tests' renderer does not know '" + key + "'");
            }
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object resource : Yamls.list(kustomization.get("resources"))) {
            Path path = dir.resolve((String) resource).normalize();
            objects.addAll(Files.isDirectory(path) ? mini(path) : Yamls.objects(read(path)));
        }
        for (Object item : Yamls.list(kustomization.get("configMapGenerator"))) {
            Map<String, Object> generator = Yamls.map(item);
            if (!Boolean.TRUE.equals(Yamls.map(generator.get("options")).get("disableNameSuffixHash"))) {
                throw new IllegalStateException(dir + ": the tests' renderer makes ConfigMaps without a hash suffix only");
            }
            Map<String, Object> data = new LinkedHashMap<>();
            for (Object file : Yamls.list(generator.get("files"))) {
                data.put(Path.of((String) file).getFileName().toString(), read(dir.resolve((String) file)));
            }
            Map<String, Object> configMap = new LinkedHashMap<>();
            configMap.put("apiVersion", "v1");
            configMap.put("kind", "ConfigMap");
            configMap.put("metadata", new LinkedHashMap<>(Map.of("name", generator.get("name"))));
            configMap.put("data", data);
            objects.add(configMap);
        }
        for (Object item : Yamls.list(kustomization.get("patches"))) {
            Map<String, Object> patch = Yamls.map(item);
            String text = patch.containsKey("path") ? read(dir.resolve((String) patch.get("path"))) : (String) patch.get("patch");
            List<Object> documents = Yamls.load(text);
            Map<String, Object> target = patch.containsKey("target") ? Yamls.map(patch.get("target")) : null;
            if (documents.size() == 1 && documents.get(0) instanceof List<?> operations) {
                for (Map<String, Object> object : select(objects, target)) {
                    JsonPatch.apply(object, operations);
                }
            } else {
                for (Object document : documents) {
                    Map<String, Object> smp = Yamls.map(document);
                    Map<String, Object> by = target != null ? target
                            : Map.of("kind", smp.get("kind"), "name", Yamls.map(smp.get("metadata")).get("name"));
                    for (Map<String, Object> object : select(objects, by)) {
                        StrategicMerge.apply(object, smp);
                    }
                }
            }
        }
        for (Object item : Yamls.list(kustomization.get("images"))) {
            Map<String, Object> image = Yamls.map(item);
            for (Map<String, Object> object : objects) {
                for (Map<String, Object> container : Workloads.allContainers(object)) {
                    String current = (String) container.get("image");
                    String name = current.replaceFirst(":[^:/]+$", "");
                    String tag = current.substring(name.length());
                    if (name.equals(image.get("name"))) {
                        String newName = (String) image.getOrDefault("newName", name);
                        String newTag = image.containsKey("newTag") ? ":" + image.get("newTag") : tag;
                        container.put("image", newName + newTag);
                    }
                }
            }
        }
        if (kustomization.get("namespace") instanceof String namespace) {
            for (Map<String, Object> object : objects) {
                if (!object.get("kind").equals("Namespace")) {
                    Yamls.map(object.get("metadata")).put("namespace", namespace);
                }
            }
        }
        return objects;
    }

    private static List<Map<String, Object>> select(List<Map<String, Object>> objects, Map<String, Object> target) {
        List<Map<String, Object>> selected = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            if (target.get("kind") != null && !target.get("kind").equals(object.get("kind"))) {
                continue;
            }
            if (target.get("name") != null && !target.get("name").equals(Yamls.map(object.get("metadata")).get("name"))) {
                continue;
            }
            selected.add(object);
        }
        if (selected.isEmpty()) {
            throw new IllegalStateException("a patch matches nothing: " + target);
        }
        return selected;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** YAML as plain maps and lists. */
    static final class Yamls {
        private Yamls() {
        }

        static List<Object> load(String text) {
            List<Object> documents = new ArrayList<>();
            for (Object document : new Yaml(new LoaderOptions()).loadAll(text)) {
                if (document != null) {
                    documents.add(document);
                }
            }
            return documents;
        }

        static List<Map<String, Object>> objects(String text) {
            List<Map<String, Object>> objects = new ArrayList<>();
            for (Object document : load(text)) {
                objects.add(map(document));
            }
            return objects;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> map(Object node) {
            if (node == null) {
                return new LinkedHashMap<>();
            }
            if (!(node instanceof Map)) {
                throw new IllegalStateException("not a mapping: " + node);
            }
            return (Map<String, Object>) node;
        }

        @SuppressWarnings("unchecked")
        static List<Object> list(Object node) {
            return node == null ? List.of() : (List<Object>) node;
        }

        /** The node at a path of keys, or null. */
        static Object at(Object node, String... path) {
            Object current = node;
            for (String key : path) {
                if (!(current instanceof Map<?, ?> m)) {
                    return null;
                }
                current = m.get(key);
            }
            return current;
        }
    }

    /** Strategic merge, as far as deploy/k8s needs it: maps merge, lists of named maps merge by name. */
    static final class StrategicMerge {
        private StrategicMerge() {
        }

        static void apply(Map<String, Object> target, Map<String, Object> patch) {
            for (Map.Entry<String, Object> entry : patch.entrySet()) {
                Object current = target.get(entry.getKey());
                Object value = entry.getValue();
                if (value == null) {
                    target.remove(entry.getKey());
                } else if (current instanceof Map<?, ?> && value instanceof Map<?, ?>) {
                    apply(Yamls.map(current), Yamls.map(value));
                } else if (current instanceof List<?> && value instanceof List<?> && named(value) && named(current)) {
                    mergeByName(Yamls.list(current), Yamls.list(value));
                } else {
                    target.put(entry.getKey(), value);
                }
            }
        }

        private static boolean named(Object list) {
            return Yamls.list(list).stream().allMatch(item -> item instanceof Map<?, ?> m && m.containsKey("name"));
        }

        private static void mergeByName(List<Object> current, List<Object> patch) {
            for (Object item : patch) {
                Map<String, Object> change = Yamls.map(item);
                Optional<Object> existing = current.stream()
                        .filter(c -> Yamls.map(c).get("name").equals(change.get("name"))).findFirst();
                if (existing.isPresent()) {
                    apply(Yamls.map(existing.get()), change);
                } else {
                    current.add(change);
                }
            }
        }
    }

    /** JSON Patch (RFC 6902) add, replace and remove, on paths of keys and list indexes. */
    static final class JsonPatch {
        private JsonPatch() {
        }

        static void apply(Map<String, Object> target, List<?> operations) {
            for (Object item : operations) {
                Map<String, Object> operation = Yamls.map(item);
                String[] path = ((String) operation.get("path")).substring(1).split("/");
                Object parent = target;
                for (int i = 0; i < path.length - 1; i++) {
                    parent = parent instanceof List<?> l ? l.get(Integer.parseInt(path[i])) : Yamls.map(parent).get(path[i]);
                }
                String last = path[path.length - 1];
                String op = (String) operation.get("op");
                Object value = operation.get("value");
                if (parent instanceof List<?>) {
                    List<Object> list = Yamls.list(parent);
                    int index = last.equals("-") ? list.size() : Integer.parseInt(last);
                    switch (op) {
                        case "add" -> list.add(index, value);
                        case "replace" -> list.set(index, value);
                        case "remove" -> list.remove(index);
                        default -> throw new IllegalStateException("JSON patch op " + op);
                    }
                } else {
                    Map<String, Object> map = Yamls.map(parent);
                    switch (op) {
                        case "add" -> map.put(last, value);
                        case "replace" -> {
                            if (!map.containsKey(last)) {
                                throw new IllegalStateException("replace of a missing " + operation.get("path"));
                            }
                            map.put(last, value);
                        }
                        case "remove" -> map.remove(last);
                        default -> throw new IllegalStateException("JSON patch op " + op);
                    }
                }
            }
        }
    }
}
