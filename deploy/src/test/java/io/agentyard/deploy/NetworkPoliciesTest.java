package io.agentyard.deploy;

import static io.agentyard.deploy.Kustomize.Yamls.at;
import static io.agentyard.deploy.Kustomize.Yamls.list;
import static io.agentyard.deploy.Kustomize.Yamls.map;
import static io.agentyard.deploy.Workloads.SERVICES;
import static io.agentyard.deploy.Workloads.name;
import static io.agentyard.deploy.Workloads.ofKind;
import static io.agentyard.deploy.Workloads.podLabels;
import static io.agentyard.deploy.Workloads.selects;
import static io.agentyard.deploy.Workloads.workloads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NetworkPolicies allow exactly the calls below, evaluated as Kubernetes does (a connection passes when
 * a policy selecting the source allows it out and a policy selecting the destination allows it in; a pod
 * no policy of a direction selects is open in that direction) over every pair of pods and every port
 * that matters.
 */
class NetworkPoliciesTest {

    /**
     * Who calls whom. Mirrors the README and DESIGN.md "Where REST is used" (agent-service -> task-service;
     * execution-service -> task-service; chat-service -> agent-service and task-service), plus what every
     * service needs besides: identity-service's JWKS and service tokens, PostgreSQL and Redis (in the
     * cluster, dev, or outside it, prod: "external"), cluster DNS; the ingress controller and workers reach
     * every service; chat-service reaches model providers and workers git remotes and agents' APIs over
     * the internet. The gateway (gateway/.../MergedOpenApi) asks every service of the route table for its
     * {@code /q/openapi} on its http port, and only the ingress controller calls it ({@code /openapi},
     * {@code /swagger-ui}); it has no datastore and verifies no token.
     */
    static final List<String> CALLS = List.of(
            "ingress -> identity-service:8081", "ingress -> agent-service:8082", "ingress -> task-service:8083",
            "ingress -> execution-service:8084", "ingress -> chat-service:8085", "ingress -> gateway:8080",
            "gateway -> identity-service:8081", "gateway -> agent-service:8082", "gateway -> task-service:8083",
            "gateway -> execution-service:8084", "gateway -> chat-service:8085",
            "agent-service -> task-service:8083",
            "execution-service -> task-service:8083",
            "chat-service -> agent-service:8082", "chat-service -> task-service:8083",
            "agent-service -> identity-service:8081", "task-service -> identity-service:8081",
            "execution-service -> identity-service:8081", "chat-service -> identity-service:8081",
            "worker -> identity-service:8081", "worker -> agent-service:8082", "worker -> task-service:8083",
            "worker -> execution-service:8084", "worker -> chat-service:8085",
            "chat-service -> external:443", "worker -> external:443", "worker -> external:22");

    static List<String> expected(List<String> sources) {
        List<String> calls = new ArrayList<>(CALLS);
        for (String service : SERVICES) {
            for (String store : List.of("postgresql:5432", "redis:6379", "external:5432", "external:6379")) {
                calls.add(service + " -> " + store);
            }
        }
        for (String source : sources) {
            if (!source.equals("ingress")) {
                calls.add(source + " -> dns:53");
            }
        }
        return calls;
    }

    /** A pod (or the outside world: namespace null) with its labels. */
    record Endpoint(String name, String namespace, Map<String, String> labels, List<Integer> ports) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void theNetworkPoliciesAllowExactlyTheCallsOfTheSuite(String dir) {
        List<Map<String, Object>> objects = Kustomize.render(dir);
        String namespace = (String) at(ofKind(objects, "NetworkPolicy").get(0), "metadata", "namespace");
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        endpoints.put("ingress", new Endpoint("ingress", "ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"), List.of()));
        for (Map<String, Object> workload : workloads(objects)) {
            String role = "worker".equals(podLabels(workload).get("app.kubernetes.io/component")) ? "worker" : name(workload);
            List<Integer> ports = new ArrayList<>();
            Workloads.containers(workload).forEach(c -> list(c.get("ports")).forEach(p -> ports.add((Integer) map(p).get("containerPort"))));
            endpoints.put(role, new Endpoint(role, namespace, podLabels(workload), ports));
        }
        // a worker of one's own when the overlay runs none (prod: workers labelled as the policies expect)
        endpoints.putIfAbsent("worker", new Endpoint("worker", namespace,
                Map.of("app.kubernetes.io/name", "my-worker", "app.kubernetes.io/component", "worker"), List.of()));
        List<String> sources = new ArrayList<>(endpoints.keySet());
        endpoints.put("dns", new Endpoint("dns", "kube-system", Map.of("k8s-app", "kube-dns"), List.of(53)));
        endpoints.put("external", new Endpoint("external", null, Map.of(), List.of(22, 80, 443, 5432, 6379, 8080, 8081, 8085)));

        List<Map<String, Object>> policies = ofKind(objects, "NetworkPolicy");
        TreeSet<String> allowed = new TreeSet<>();
        for (String from : sources) {
            for (Endpoint to : endpoints.values()) {
                if (from.equals(to.name()) || (from.equals("ingress") && !namespace.equals(to.namespace()))) {
                    continue; // a pod to itself goes over localhost; the ingress controller's own egress is not ours
                }
                for (int port : to.ports()) {
                    String protocol = "TCP";
                    if (allows(policies, endpoints.get(from), to, port, protocol)) {
                        allowed.add(from + " -> " + to.name() + ":" + port);
                    }
                }
            }
        }
        List<String> present = new ArrayList<>(sources);
        present.add("dns");
        present.add("external");
        TreeSet<String> expected = new TreeSet<>(expected(sources).stream()
                .filter(c -> present.contains(c.substring(c.indexOf("-> ") + 3, c.lastIndexOf(':')))).toList());
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(allowed);
        TreeSet<String> unexpected = new TreeSet<>(allowed);
        unexpected.removeAll(expected);
        assertEquals("", (missing.isEmpty() ? "" : "denied but expected: " + missing)
                + (unexpected.isEmpty() ? "" : " allowed but not expected: " + unexpected), dir);
        assertTrue(allowed.contains("agent-service -> task-service:8083"));
        assertTrue(sources.contains(Workloads.GATEWAY), dir + " runs the gateway");
    }

    /** Whether Kubernetes lets {@code from} open a connection to {@code to} on a port. */
    static boolean allows(List<Map<String, Object>> policies, Endpoint from, Endpoint to, int port, String protocol) {
        return direction(policies, from, "Egress", "egress", "to", to, port, protocol)
                && (to.namespace() == null || direction(policies, to, "Ingress", "ingress", "from", from, port, protocol));
    }

    private static boolean direction(List<Map<String, Object>> policies, Endpoint pod, String type, String rulesKey,
                                     String peersKey, Endpoint peer, int port, String protocol) {
        boolean selected = false;
        for (Map<String, Object> policy : policies) {
            String policyNamespace = (String) at(policy, "metadata", "namespace");
            if (!policyNamespace.equals(pod.namespace()) || !selects(map(at(policy, "spec", "podSelector")), pod.labels())) {
                continue;
            }
            List<Object> types = list(at(policy, "spec", "policyTypes"));
            if (!types.contains(type)) {
                continue;
            }
            selected = true;
            for (Object rule : list(at(policy, "spec", rulesKey))) {
                if (peerMatches(map(rule).get(peersKey), peer, policyNamespace) && portMatches(map(rule).get("ports"), port, protocol)) {
                    return true;
                }
            }
        }
        return !selected;
    }

    private static boolean peerMatches(Object peers, Endpoint peer, String policyNamespace) {
        if (peers == null || list(peers).isEmpty()) {
            return true;
        }
        for (Object item : list(peers)) {
            Map<String, Object> p = map(item);
            if (p.containsKey("ipBlock")) {
                if (peer.namespace() == null) {
                    return true; // only an address outside the cluster is modelled
                }
                continue;
            }
            if (peer.namespace() == null) {
                continue;
            }
            boolean namespaceOk = p.containsKey("namespaceSelector")
                    ? selects(map(p.get("namespaceSelector")), Map.of("kubernetes.io/metadata.name", peer.namespace()))
                    : peer.namespace().equals(policyNamespace);
            boolean podOk = !p.containsKey("podSelector") || selects(map(p.get("podSelector")), peer.labels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean portMatches(Object ports, int port, String protocol) {
        if (ports == null || list(ports).isEmpty()) {
            return true;
        }
        for (Object item : list(ports)) {
            Map<String, Object> p = map(item);
            if (protocol.equals(p.getOrDefault("protocol", "TCP")) && Integer.valueOf(port).equals(p.get("port"))) {
                return true;
            }
        }
        return false;
    }
}
