package io.agentyard.deploy;

import static io.agentyard.deploy.Kustomize.Yamls.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tests' own renderer gives exactly what kustomize gives, object for object, so the other tests
 * mean the same on a machine without kubectl. What kustomize gives is recorded in
 * {@code src/test/resources/rendered/<base|dev|prod>.yaml} ({@code kubectl kustomize k8s/<dir>}); where
 * kubectl or kustomize is on the PATH, the record is also checked against it, so a manifest changed
 * without recording it again fails there with the command to run.
 */
class RendererTest {

    private static final Path RECORDED = Path.of("src", "test", "resources", "rendered");

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void theTestsOwnRendererAgreesWithWhatKustomizeRenders(String dir) throws IOException {
        Path record = RECORDED.resolve(Path.of(dir).getFileName() + ".yaml");
        Map<String, Map<String, Object>> recorded = byId(Kustomize.Yamls.objects(Files.readString(record, StandardCharsets.UTF_8)));
        Kustomize.binary().ifPresent(binary -> assertSame(recorded, byId(Kustomize.withBinary(binary, Kustomize.K8S.resolve(dir))),
                dir + " has changed since it was recorded: kubectl kustomize deploy/k8s/" + dir + " > deploy/" + record));
        assertSame(recorded, byId(Kustomize.mini(Kustomize.K8S.resolve(dir))), dir + ", own renderer");
    }

    private static void assertSame(Map<String, Map<String, Object>> expected, Map<String, Map<String, Object>> actual,
                                   String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + ": the objects");
        expected.forEach((id, object) -> assertEquals(object, actual.get(id), what + ": " + id));
    }

    private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> objects) {
        Map<String, Map<String, Object>> byId = new TreeMap<>();
        for (Map<String, Object> object : objects) {
            byId.put(object.get("kind") + " " + at(object, "metadata", "namespace") + "/" + at(object, "metadata", "name"), object);
        }
        assertEquals(objects.size(), byId.size(), "no object twice");
        return byId;
    }
}
