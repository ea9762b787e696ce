package io.agentyard.shared.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * docs/metrics.md, the catalog of every metric: which service serves it, its type and labels. A
 * service's tests hold its {@code /q/metrics} to it both ways, so a metric renamed, retyped,
 * relabelled or added in code without the catalog (or the reverse) fails a test.
 */
public final class MetricsCatalog {

    /** One row of the catalog. */
    public record Entry(String name, String type, Set<String> labels, Set<String> services, String meaning) {
    }

    private MetricsCatalog() {
    }

    /** The catalog's rows, read from docs/metrics.md (found from the working directory upwards). */
    public static List<Entry> read() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docs/metrics.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new AssertionError("docs/metrics.md not found above " + Path.of("").toAbsolutePath());
        }
        try {
            List<Entry> entries = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("docs/metrics.md"))) {
                if (!line.startsWith("| `")) {
                    continue;
                }
                String[] cells = line.split("\\|", -1);
                entries.add(new Entry(cells[1].trim().replace("`", ""), cells[2].trim(), list(cells[3]),
                        list(cells[4]), cells[5].trim()));
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> list(String cell) {
        return Arrays.stream(cell.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /**
     * Asserts, retrying for a few seconds (some meters are registered when their bean first
     * works), that the service under test serves every catalog entry for {@code service} with help
     * text, the catalog's type and exactly its labels, and serves no {@code agentyard_} metric the
     * catalog does not list for it (except {@code servedOnlyInTests}).
     */
    public static void assertServed(String service, Set<String> servedOnlyInTests) {
        List<Entry> catalog = read();
        List<String> problems = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            problems = problems(service, catalog, Metrics.scrape(), servedOnlyInTests);
            if (problems.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError(service + "'s /q/metrics and docs/metrics.md disagree:\n  "
                + String.join("\n  ", problems));
    }

    static List<String> problems(String service, List<Entry> catalog, Metrics served, Set<String> servedOnlyInTests) {
        List<String> problems = new ArrayList<>();
        for (Entry entry : catalog) {
            if (!entry.services().contains(service)) {
                continue;
            }
            Metrics.Family family = served.families().get(entry.name());
            if (family == null) {
                problems.add(entry.name() + ": not served");
                continue;
            }
            if (!family.type().equals(entry.type())) {
                problems.add(entry.name() + ": served as a " + family.type() + ", catalogued as a " + entry.type());
            }
            if (family.help().isBlank()) {
                problems.add(entry.name() + ": no help text");
            }
            for (Metrics.Sample sample : family.samples()) {
                Set<String> labels = new LinkedHashSet<>(sample.labels().keySet());
                labels.remove("le");
                if (!labels.equals(entry.labels())) {
                    problems.add(entry.name() + ": served with labels " + labels + ", catalogued with " + entry.labels());
                    break;
                }
            }
        }
        for (Metrics.Family family : served.families().values()) {
            String name = family.name();
            if (!name.startsWith("agentyard_") || servedOnlyInTests.contains(name)) {
                continue;
            }
            boolean listed = catalog.stream().anyMatch(e -> e.services().contains(service)
                    && (e.name().equals(name) || e.name().equals(name.replaceFirst("_max$", ""))
                            && !e.type().equals("gauge") && !e.type().equals("counter")));
            if (!listed) {
                problems.add(name + ": served but not in docs/metrics.md for " + service);
            }
        }
        return problems;
    }
}
