package io.agentyard.deploy;

import static io.agentyard.deploy.Kustomize.Yamls.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where kubectl or kustomize is on the PATH, the tests' own renderer gives exactly what it gives, object
 * for object: so the other tests mean the same on a machine without either (skipped there).
 */
class RendererTest {

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void theTestsOwnRendererAgreesWithKustomize(String dir) {
        assumeTrue(Kustomize.binary().isPresent(), "neither kubectl nor kustomize is on the PATH");
        Map<String, Map<String, Object>> real = byId(Kustomize.withBinary(Kustomize.binary().get(), Kustomize.K8S.resolve(dir)));
        Map<String, Map<String, Object>> mini = byId(Kustomize.mini(Kustomize.K8S.resolve(dir)));
        assertEquals(real.keySet(), mini.keySet(), dir + ": the objects");
        real.forEach((id, object) -> assertEquals(object, mini.get(id), dir + ": " + id));
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
