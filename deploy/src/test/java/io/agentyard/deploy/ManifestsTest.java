package io.agentyard.deploy;

import static io.agentyard.deploy.Kustomize.Yamls.at;
import static io.agentyard.deploy.Kustomize.Yamls.list;
import static io.agentyard.deploy.Kustomize.Yamls.map;
import static io.agentyard.deploy.Workloads.QUARKUS_APPS;
import static io.agentyard.deploy.Workloads.SERVICES;
import static io.agentyard.deploy.Workloads.allContainers;
import static io.agentyard.deploy.Workloads.containerPort;
import static io.agentyard.deploy.Workloads.containers;
import static io.agentyard.deploy.Workloads.get;
import static io.agentyard.deploy.Workloads.name;
import static io.agentyard.deploy.Workloads.ofKind;
import static io.agentyard.deploy.Workloads.podLabels;
import static io.agentyard.deploy.Workloads.podSpec;
import static io.agentyard.deploy.Workloads.selects;
import static io.agentyard.deploy.Workloads.workloads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shape of every workload: selectors, probes, security, resources, scaling, secrets. */
class ManifestsTest {

    @Test
    void everyYamlFileParsesIntoObjectsWithAKind() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Kustomize.K8S)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertTrue(files.size() >= 10, "deploy/k8s has its YAML files: " + files);
        for (Path file : files) {
            List<Map<String, Object>> objects = Kustomize.Yamls.objects(Workloads.read(file));
            assertFalse(objects.isEmpty(), file + " holds no object");
            for (Map<String, Object> object : objects) {
                assertNotNull(object.get("apiVersion"), file + ": an object without apiVersion");
                assertNotNull(object.get("kind"), file + ": an object without kind");
                // inline patches of a kustomization are YAML too
                for (Object patch : list(object.get("patches"))) {
                    Object text = map(patch).get("patch");
                    if (text != null) {
                        assertFalse(Kustomize.Yamls.load((String) text).isEmpty(), file + ": an empty inline patch");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyWorkloadSelectsItsOwnPodsAndEveryServiceSelectsPodsThatServeItsPort(String dir) {
        List<Map<String, Object>> objects = Kustomize.render(dir);
        for (Map<String, Object> workload : workloads(objects)) {
            assertTrue(selects(map(at(workload, "spec", "selector")), podLabels(workload)),
                    name(workload) + ": its selector does not match its pod template's labels");
        }
        for (Map<String, Object> service : ofKind(objects, "Service")) {
            Map<String, Object> selector = map(at(service, "spec", "selector"));
            List<Map<String, Object>> selected = workloads(objects).stream().filter(w -> selects(selector, podLabels(w))).toList();
            assertEquals(1, selected.size(), "Service " + name(service) + " selects exactly one workload's pods");
            for (Object port : list(at(service, "spec", "ports"))) {
                Object target = map(port).getOrDefault("targetPort", map(port).get("port"));
                assertTrue(containers(selected.get(0)).stream().anyMatch(c -> containerPort(c, target).isPresent()),
                        "Service " + name(service) + ": no container of " + name(selected.get(0)) + " has port " + target);
            }
        }
        for (String service : QUARKUS_APPS) {
            Map<String, Object> deployment = get(objects, "Deployment", service);
            assertTrue(ofKind(objects, "Service").stream().anyMatch(s -> name(s).equals(service)
                    && selects(map(at(s, "spec", "selector")), podLabels(deployment))), "a Service " + service + " selects its pods");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyServiceAndTheGatewayListenOnTheirConfiguredPortAndAreProbedOnQuarkusHealth(String dir) {
        List<Map<String, Object>> objects = Kustomize.render(dir);
        for (String service : QUARKUS_APPS) {
            int port = Workloads.httpPort(service);
            Map<String, Object> container = containers(get(objects, "Deployment", service)).get(0);
            assertEquals(port, containerPort(container, "http").orElse(-1), service + ": port 'http' is quarkus.http.port");
            Map<String, String> probes = Map.of("startupProbe", "/q/health/started", "livenessProbe", "/q/health/live",
                    "readinessProbe", "/q/health/ready");
            probes.forEach((probe, path) -> {
                Map<String, Object> get = map(at(container, probe, "httpGet"));
                assertEquals(path, get.get("path"), service + " " + probe);
                assertEquals(port, containerPort(container, get.get("port")).orElse(-1), service + " " + probe + " port");
            });
            Object servicePort = map(list(at(get(objects, "Service", service), "spec", "ports")).get(0)).get("port");
            assertEquals(port, servicePort, service + ": the Service's port is the service's own (the URLs in agentyard-config and the gateway's use it)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void everyContainerRunsAsNonRootOnAReadOnlyRootWithResourcesBounded(String dir) {
        List<Map<String, Object>> objects = Kustomize.render(dir);
        for (Map<String, Object> workload : workloads(objects)) {
            Map<String, Object> pod = podSpec(workload);
            assertEquals(Boolean.TRUE, at(pod, "securityContext", "runAsNonRoot"), name(workload) + " runAsNonRoot");
            assertTrue(((Number) at(pod, "securityContext", "runAsUser")).intValue() > 0, name(workload) + " runAsUser");
            assertEquals(Boolean.FALSE, pod.get("automountServiceAccountToken"), name(workload) + ": no API token (none calls the API)");
            for (Map<String, Object> container : allContainers(workload)) {
                String what = name(workload) + "/" + container.get("name");
                assertEquals(Boolean.TRUE, at(container, "securityContext", "readOnlyRootFilesystem"), what + " readOnlyRootFilesystem");
                assertEquals(Boolean.FALSE, at(container, "securityContext", "allowPrivilegeEscalation"), what + " allowPrivilegeEscalation");
                assertEquals(List.of("ALL"), at(container, "securityContext", "capabilities", "drop"), what + " drops capabilities");
                for (String bound : List.of("requests", "limits")) {
                    assertNotNull(at(container, "resources", bound, "cpu"), what + " cpu " + bound);
                    assertNotNull(at(container, "resources", bound, "memory"), what + " memory " + bound);
                }
                Set<String> mounts = new HashSet<>();
                list(container.get("volumeMounts")).forEach(m -> mounts.add((String) map(m).get("mountPath")));
                if (QUARKUS_APPS.contains(name(workload)) || name(workload).equals("agentyard-worker")) {
                    assertTrue(mounts.contains("/tmp"), what + ": a writable /tmp on the read-only root");
                }
                for (Object m : list(container.get("volumeMounts"))) {
                    String volume = (String) map(m).get("name");
                    assertTrue(list(pod.get("volumes")).stream().anyMatch(v -> volume.equals(map(v).get("name")))
                            || list(at(workload, "spec", "volumeClaimTemplates")).stream().anyMatch(v -> volume.equals(at(v, "metadata", "name"))),
                            what + " mounts the undeclared volume " + volume);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void everyServiceAndTheGatewayHaveAnAutoscalerAndADisruptionBudgetAndProdRunsTwoReplicasOrMore(String dir) {
        List<Map<String, Object>> objects = Kustomize.render(dir);
        for (String service : QUARKUS_APPS) {
            Map<String, Object> deployment = get(objects, "Deployment", service);
            Map<String, Object> hpa = get(objects, "HorizontalPodAutoscaler", service);
            assertEquals(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", service), at(hpa, "spec", "scaleTargetRef"));
            int min = ((Number) at(hpa, "spec", "minReplicas")).intValue();
            assertEquals(dir.endsWith("dev") ? 1 : 2, min, service + " minReplicas");
            assertTrue(((Number) at(hpa, "spec", "maxReplicas")).intValue() >= min);
            assertEquals(null, at(deployment, "spec", "replicas"), service + ": the autoscaler owns the replica count");
            Map<String, Object> pdb = get(objects, "PodDisruptionBudget", service);
            assertTrue(selects(map(at(pdb, "spec", "selector")), podLabels(deployment)), service + ": its PDB selects its pods");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void noSecretValueIsCommittedAndEverySecretReferencedIsOneTheScriptsCreate(String dir) {
        List<Map<String, Object>> objects = Kustomize.render(dir);
        for (Map<String, Object> secret : ofKind(objects, "Secret")) {
            for (String field : List.of("data", "stringData")) {
                map(secret.get(field)).forEach((key, value) -> assertTrue(value == null || String.valueOf(value).isBlank()
                        || String.valueOf(value).contains("CHANGE_ME"), "Secret " + name(secret) + " carries a value for " + key));
            }
        }
        // everything it can create: a Redis password's secret only when there is one
        Map<String, Map<String, String>> created = SecretsScript.run(Map.of("AGENTYARD_REDIS_PASSWORD", "redis-password"));
        String serviceClients = Workloads.read(Kustomize.K8S.resolve("service-clients.sh"));
        List<String> references = new ArrayList<>();
        for (Map<String, Object> workload : workloads(objects)) {
            for (Map<String, Object> container : allContainers(workload)) {
                for (Object env : list(container.get("env"))) {
                    Map<String, Object> ref = map(at(env, "valueFrom", "secretKeyRef"));
                    if (!ref.isEmpty()) {
                        references.add(ref.get("name") + "/" + ref.get("key"));
                    }
                }
            }
            for (Object volume : list(podSpec(workload).get("volumes"))) {
                Object secretName = at(volume, "secret", "secretName");
                for (Object item : list(at(volume, "secret", "items"))) {
                    references.add(secretName + "/" + map(item).get("key"));
                }
            }
        }
        assertFalse(references.isEmpty());
        for (String reference : references) {
            String secret = reference.substring(0, reference.indexOf('/'));
            String key = reference.substring(reference.indexOf('/') + 1);
            boolean bySecretsScript = created.getOrDefault(secret, Map.of()).containsKey(key);
            boolean byServiceClientsScript = serviceClients.contains("secret generic " + secret) && serviceClients.contains(key + "=");
            if (!bySecretsScript && !byServiceClientsScript) {
                fail("the secret key " + reference + " is referenced but neither secrets.sh nor service-clients.sh creates it");
            }
        }
    }

    @Test
    void secretsShGivesEachServiceRoleItsOwnPasswordOrTheOneTheAdministratorSet() {
        Map<String, String> generated = SecretsScript.run(Map.of()).get("agentyard-db");
        assertEquals(Set.of("admin", "identity", "agent", "task", "execution", "chat"), generated.keySet());
        assertEquals(generated.size(), Set.copyOf(generated.values()).size(), "no two roles share a password");
        generated.values().forEach(password -> assertTrue(password.matches("[0-9a-f]{48}"), "one line of hex, no newline"));
        Map<String, String> given = SecretsScript.run(Map.of("AGENTYARD_DB_PASSWORD_TASK", "the-dba's-task-password")).get("agentyard-db");
        assertEquals("the-dba's-task-password", given.get("task"));
        List<Map<String, Object>> prod = Kustomize.render("overlays/prod");
        for (String service : SERVICES) {
            Map<String, String> env = Workloads.environment(containers(get(prod, "Deployment", service)).get(0), prod);
            assertEquals("agentyard_" + Workloads.schema(service), env.get("AGENTYARD_DB_USER"), service + " signs in as its own role");
            assertTrue(env.get("AGENTYARD_DB_PASSWORD").contains("key=" + Workloads.schema(service)), service + ": " + env);
        }
    }

    @Test
    void prodTakesItsImagesFromARegistryAndDevRunsItsOwnDataStoresAndADemoWorker() {
        for (Map<String, Object> deployment : ofKind(Kustomize.render("overlays/prod"), "Deployment")) {
            String image = (String) containers(deployment).get(0).get("image");
            assertTrue(image.matches("[a-z0-9.-]+\\.[a-z]+(:\\d+)?/agentyard/" + name(deployment) + ":.+"), "prod image " + image);
        }
        List<Map<String, Object>> dev = Kustomize.render("overlays/dev");
        assertTrue(Workloads.find(dev, "StatefulSet", "postgresql").isPresent());
        assertTrue(Workloads.find(dev, "Deployment", "redis").isPresent());
        Map<String, Object> worker = get(dev, "Deployment", "agentyard-worker");
        assertEquals("worker", podLabels(worker).get("app.kubernetes.io/component"), "NetworkPolicies know workers by this label");
        String register = String.join(" ", list(map(list(podSpec(worker).get("initContainers")).get(0)).get("args")).stream().map(String::valueOf).toList());
        assertTrue(register.contains("register") && register.contains("--agent demo"), register);
        assertTrue(Workloads.find(dev, "Namespace", "agentyard").isPresent());
    }
}
