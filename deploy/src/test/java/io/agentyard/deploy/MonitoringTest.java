package io.agentyard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dashboard and the alert rules in monitoring/ speak of metrics that exist: every metric name
 * in their PromQL is in docs/metrics.md's catalog (whose entries each service's tests hold to its
 * /q/metrics), used as its type allows. Plain JUnit: no services, no Prometheus.
 */
class MonitoringTest {

    static final Path MONITORING = Path.of("monitoring").toAbsolutePath();
    static final Path CATALOG = Path.of("..", "docs", "metrics.md").toAbsolutePath().normalize();

    /** PromQL words that are not metric names. */
    static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan");
    static final Pattern WORD = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

    @Test
    void theDashboardIsGrafanaJsonWhosePanelsEachQueryPrometheus() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("agentyard-dashboard.json").toFile());
        assertEquals("agentyard-suite", dashboard.path("uid").asText());
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            titles.add(panel.path("title").asText());
            assertFalse(panel.path("targets").isEmpty(), panel.path("title") + " has queries");
            for (JsonNode target : panel.path("targets")) {
                assertFalse(target.path("expr").asText().isBlank(), panel.path("title") + ": a query");
            }
        }
        assertTrue(titles.containsAll(List.of("Queue depth", "Oldest available work order", "Claim rate",
                "Claim wait p50 / p99", "Dispatch failures", "Executions running", "Log ingest rate", "Live followers",
                "Relay lag", "Consumer lag", "HTTP request rate", "HTTP 5xx ratio", "HTTP latency p99", "JVM heap")),
                "the panels: " + titles);
    }

    @Test
    void theAlertRulesAreAPrometheusRuleWithTheAlertsOperationsNeeds() throws IOException {
        Set<String> alerts = new LinkedHashSet<>();
        for (Map<String, Object> rule : rules()) {
            alerts.add((String) rule.get("alert"));
            assertTrue(rule.get("labels") instanceof Map<?, ?> labels && labels.containsKey("severity"),
                    rule.get("alert") + " has a severity");
        }
        assertEquals(Set.of("AgentyardQueueAgeHigh", "AgentyardWorkOrdersDeadLettered", "AgentyardLeaseExpiriesSpiking",
                "AgentyardRelayLagHigh", "AgentyardConsumerLagHigh", "AgentyardEventDeadLettersGrowing",
                "AgentyardHttp5xxRatioHigh", "AgentyardServiceDown"), alerts);
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsNameIsCatalogued() throws IOException {
        Map<String, String> catalog = catalog();
        Map<String, String> queries = new LinkedHashMap<>();
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("agentyard-dashboard.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put("panel " + panel.path("title").asText() + " " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        for (Map<String, Object> rule : rules()) {
            queries.put("alert " + rule.get("alert"), String.valueOf(rule.get("expr")));
        }
        List<String> problems = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        queries.forEach((where, expr) -> {
            for (String metric : metricsIn(expr)) {
                named.add(metric);
                String problem = check(metric, catalog);
                if (problem != null) {
                    problems.add(where + ": " + problem);
                }
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(named.contains("agentyard_claim_wait_seconds_bucket") && named.contains("up"),
                "the names were found: " + named);
    }

    @Test
    void theExtractorFindsMetricNamesAndNothingElse() {
        assertEquals(List.of("a_total", "b_bucket"), List.copyOf(metricsIn(
                "sum by (queue, le) (rate(a_total{job=~\"$job\",x=\"y z\"}[5m])) / on (job) group_left (le)"
                        + " histogram_quantile(0.9, b_bucket[$__rate_interval]) > 1e3 and bool 2")));
        Map<String, String> catalog = Map.of("h_seconds", "histogram", "c_total", "counter", "g", "gauge");
        assertEquals(null, check("h_seconds_bucket", catalog));
        assertEquals(null, check("c_total", catalog));
        assertTrue(check("c_total_bucket", catalog) != null, "a counter has no buckets");
        assertTrue(check("g_sum", catalog) != null, "a gauge has no sum");
        assertTrue(check("missing", catalog) != null, "an unknown name");
    }

    /** The metric names an expression reads. */
    static Set<String> metricsIn(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"").replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "");
        bare = GROUPING.matcher(bare).replaceAll("");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = WORD.matcher(bare);
        while (m.find()) {
            String word = m.group();
            boolean call = bare.substring(m.end()).matches("(?s)\\s*\\(.*");
            boolean number = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
            if (!call && !number && !KEYWORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    /** Why {@code metric} is not a catalogued series (null when it is). */
    static String check(String metric, Map<String, String> catalog) {
        if (catalog.containsKey(metric)) {
            return null;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
            if (metric.endsWith(suffix)) {
                String base = metric.substring(0, metric.length() - suffix.length());
                if ("histogram".equals(catalog.get(base))) {
                    return null;
                }
                if (catalog.containsKey(base)) {
                    return metric + ": " + base + " is a " + catalog.get(base) + ", it has no " + suffix;
                }
            }
        }
        return metric + " is not in docs/metrics.md";
    }

    /** docs/metrics.md's names and types. */
    static Map<String, String> catalog() throws IOException {
        Map<String, String> catalog = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CATALOG)) {
            if (line.startsWith("| `")) {
                String[] cells = line.split("\\|", -1);
                catalog.put(cells[1].trim().replace("`", ""), cells[2].trim());
            }
        }
        assertTrue(catalog.size() > 20, "docs/metrics.md has its catalog: " + catalog.keySet());
        return catalog;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules() throws IOException {
        Map<String, Object> resource = new Yaml().load(Files.readString(MONITORING.resolve("alerts.yaml")));
        assertEquals("PrometheusRule", resource.get("kind"));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) ((Map<String, Object>) resource.get("spec"))
                .get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }
}
