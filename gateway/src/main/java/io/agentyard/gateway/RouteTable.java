package io.agentyard.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Which service owns a request path: the Kubernetes Ingress's paths (deploy/k8s/base/ingress.yaml, copied
 * into the jar at build time), matched as ingress-nginx matches them with {@code use-regex}: an Exact path
 * first, else the longest of the paths that match (Prefix by whole segments, ImplementationSpecific as a
 * regular expression from the start of the path, case-insensitive). So the gateway and the Ingress cannot
 * route differently. Paths whose backend is the gateway itself ({@code /openapi}, {@code /swagger-ui}: in
 * Kubernetes the Ingress sends them here) are its own endpoints, not routes it proxies, and are left out.
 */
public final class RouteTable {

    static final String RESOURCE = "agentyard/ingress.yaml";
    /** The gateway's own Service in the Ingress (deploy/k8s/base/gateway.yaml). */
    static final String SELF = "gateway";

    /** One path of the Ingress. */
    public record Route(String path, String type, String service, Pattern regex) {
    }

    private final List<Route> routes;

    RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /** The table of the Ingress in the jar. */
    public static RouteTable fromIngress() {
        try (InputStream in = RouteTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the gateway's jar");
            }
            return parse(new Yaml(new LoaderOptions()).load(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static RouteTable parse(Object ingress) {
        List<Route> routes = new ArrayList<>();
        Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) ingress).get("spec");
        for (Object rule : (List<Object>) spec.get("rules")) {
            Map<String, Object> http = (Map<String, Object>) ((Map<String, Object>) rule).get("http");
            for (Object item : (List<Object>) http.get("paths")) {
                Map<String, Object> path = (Map<String, Object>) item;
                Map<String, Object> backend = (Map<String, Object>) ((Map<String, Object>) path.get("backend")).get("service");
                if (SELF.equals(backend.get("name"))) {
                    continue;
                }
                String p = (String) path.get("path");
                String type = (String) path.get("pathType");
                routes.add(new Route(p, type, (String) backend.get("name"),
                        type.equals("ImplementationSpecific") ? Pattern.compile("^" + p, Pattern.CASE_INSENSITIVE) : null));
            }
        }
        return new RouteTable(routes);
    }

    public List<Route> routes() {
        return routes;
    }

    /** The service that answers {@code path} (no query string), if any. */
    public Optional<String> serviceFor(String path) {
        Route best = null;
        for (Route route : routes) {
            if (route.type().equals("Exact") && route.path().equals(path)) {
                return Optional.of(route.service());
            }
            if (matches(route, path) && (best == null || route.path().length() > best.path().length())) {
                best = route;
            }
        }
        return Optional.ofNullable(best).map(Route::service);
    }

    private static boolean matches(Route route, String path) {
        switch (route.type()) {
            case "Prefix":
                String prefix = route.path().endsWith("/") ? route.path() : route.path() + "/";
                return path.equals(route.path()) || path.startsWith(prefix);
            case "ImplementationSpecific":
                return route.regex().matcher(path).find();
            default:
                return false;
        }
    }
}
