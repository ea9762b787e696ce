package io.agentyard.shared.testing;

import static io.restassured.RestAssured.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The service's {@code /q/metrics}, parsed: families with their type, help text and samples. */
public final class Metrics {

    /** One sample line: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One {@code # TYPE} family with its {@code # HELP} text and samples. */
    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, Family> families;

    private Metrics(Map<String, Family> families) {
        this.families = families;
    }

    /** Scrapes the service under test now. */
    public static Metrics scrape() {
        return parse(when().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /**
     * Parses Prometheus text format 0.0.4 or OpenMetrics (what Quarkus answers Prometheus, whose
     * HELP follows TYPE and whose counter families drop {@code _total}). A family is named as
     * PromQL names it: a counter with its {@code _total}.
     */
    public static Metrics parse(String text) {
        Map<String, String> helps = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        String current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                helps.put(parts[0], parts.length > 1 ? parts[1].trim() : "");
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).trim().split(" ");
                current = parts[0];
                types.put(current, parts[1]);
                samples.put(current, new ArrayList<>());
            } else if (!line.isBlank() && !line.startsWith("#") && current != null) {
                // an OpenMetrics exemplar (" # {trace_id=...,span_id=...} value"; OpenTelemetry adds them to
                // histogram buckets) belongs to no label set
                int exemplar = line.indexOf(" # ");
                if (exemplar >= 0) {
                    line = line.substring(0, exemplar);
                }
                int brace = line.indexOf('{');
                int close = line.lastIndexOf('}');
                Map<String, String> labels = new LinkedHashMap<>();
                String name;
                String rest;
                if (brace >= 0) {
                    name = line.substring(0, brace);
                    Matcher m = LABEL.matcher(line.substring(brace, close + 1));
                    while (m.find()) {
                        labels.put(m.group(1), m.group(2));
                    }
                    rest = line.substring(close + 1).trim();
                } else {
                    name = line.substring(0, line.indexOf(' '));
                    rest = line.substring(line.indexOf(' ') + 1).trim();
                }
                samples.get(current).add(new Sample(name, labels, number(rest.split(" ")[0])));
            }
        }
        Map<String, Family> families = new LinkedHashMap<>();
        types.forEach((name, type) -> {
            String queried = "counter".equals(type) && !name.endsWith("_total") ? name + "_total" : name;
            String help = helps.getOrDefault(name, helps.getOrDefault(queried, ""));
            List<Sample> own = samples.get(name).stream().filter(sample -> !sample.name().endsWith("_created"))
                    .toList();
            families.put(queried, new Family(queried, type, help, own));
        });
        return new Metrics(families);
    }

    private static double number(String value) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
        };
    }

    public Map<String, Family> families() {
        return families;
    }

    /**
     * The sum of the samples named {@code sample} whose labels include {@code labels}; 0 when there
     * are none (a counter before its first increment).
     */
    public double value(String sample, Map<String, String> labels) {
        double sum = 0;
        for (Family family : families.values()) {
            for (Sample s : family.samples()) {
                if (s.name().equals(sample) && s.labels().entrySet().containsAll(labels.entrySet())) {
                    sum += s.value();
                }
            }
        }
        return sum;
    }

    /** Whether a sample named {@code sample} with {@code labels} exists. */
    public boolean has(String sample, Map<String, String> labels) {
        return families.values().stream().flatMap(f -> f.samples().stream())
                .anyMatch(s -> s.name().equals(sample) && s.labels().entrySet().containsAll(labels.entrySet()));
    }

    /** Scrapes and sums, as {@link #value}. */
    public static double now(String sample, Map<String, String> labels) {
        return scrape().value(sample, labels);
    }
}
