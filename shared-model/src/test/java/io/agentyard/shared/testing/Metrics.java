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

    /** Parses Prometheus text format 0.0.4. */
    public static Metrics parse(String text) {
        Map<String, String> helps = new LinkedHashMap<>();
        Map<String, Family> families = new LinkedHashMap<>();
        Family current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                helps.put(parts[0], parts.length > 1 ? parts[1].trim() : "");
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).trim().split(" ");
                current = new Family(parts[0], parts[1], helps.getOrDefault(parts[0], ""), new ArrayList<>());
                families.put(current.name(), current);
            } else if (!line.isBlank() && !line.startsWith("#") && current != null) {
                int brace = line.indexOf('{');
                int space = line.lastIndexOf(' ');
                Map<String, String> labels = new LinkedHashMap<>();
                String name;
                if (brace >= 0 && brace < space) {
                    name = line.substring(0, brace);
                    Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                    while (m.find()) {
                        labels.put(m.group(1), m.group(2));
                    }
                } else {
                    name = line.substring(0, line.indexOf(' '));
                }
                current.samples().add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
            }
        }
        return new Metrics(families);
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
