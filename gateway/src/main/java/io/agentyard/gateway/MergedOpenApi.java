package io.agentyard.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /openapi}: one OpenAPI document for the whole API, merged from every service's
 * {@code /q/openapi?format=json}, asked for when a request comes and the last merge is older than
 * {@code agentyard.gateway.openapi-cache-ttl} (all services at once, never blocking the event loop).
 * <p>
 * Paths are kept only where the route table sends them to the service that documents them (so
 * {@code /api/health}, which every service answers for itself, is left out); tags and components are
 * merged by name. Two services documenting one name differently is a bug of theirs: the first wins and
 * the gateway logs it (the e2e OpenAPI test fails on it). A service that does not answer leaves its part
 * out until the next merge, which then comes at once ({@code x-agentyard-missing} names it).
 */
@ApplicationScoped
public class MergedOpenApi {

    private static final Logger LOG = Logger.getLogger(MergedOpenApi.class);
    private static final List<String> COMPONENT_KINDS = List.of("schemas", "responses", "parameters", "examples",
            "requestBodies", "headers", "securitySchemes", "links", "callbacks");

    private final Gateway gateway;
    private final GatewayConfig config;
    private HttpClient client;
    /** The last merge and when it was made; two requests racing merge twice, harmlessly. */
    private volatile Merged last;

    record Merged(JsonObject document, long at, boolean complete) {
    }

    MergedOpenApi(Gateway gateway, GatewayConfig config) {
        this.gateway = gateway;
        this.config = config;
    }

    void install(@Observes Router router, Vertx vertx) {
        client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis()));
        router.get("/openapi").handler(this::serve);
    }

    private void serve(RoutingContext rc) {
        document().onSuccess(document -> {
            String format = rc.queryParams().get("format");
            String accept = rc.request().getHeader("Accept");
            boolean yaml = format != null ? format.equalsIgnoreCase("yaml")
                    : accept != null && accept.contains("yaml") && !accept.contains("json");
            if (yaml) {
                DumperOptions options = new DumperOptions();
                options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
                rc.response().putHeader("Content-Type", "application/yaml; charset=utf-8")
                        .end(new Yaml(options).dump(plain(document)));
            } else {
                rc.response().putHeader("Content-Type", "application/json").end(document.toBuffer());
            }
        }).onFailure(rc::fail);
    }

    /** The merged document, from the cache while it is fresh and complete. */
    Future<JsonObject> document() {
        Merged cached = last;
        long now = System.nanoTime();
        if (cached != null && cached.complete() && now - cached.at() < config.openapiCacheTtl().toNanos()) {
            return Future.succeededFuture(cached.document());
        }
        Map<String, Future<JsonObject>> fetches = new LinkedHashMap<>();
        for (String service : services()) {
            fetches.put(service, fetch(service).recover(failure -> {
                LOG.warnf("the OpenAPI document of %s could not be read: %s", service, failure.getMessage());
                return Future.succeededFuture(null);
            }));
        }
        return Future.join(new ArrayList<>(fetches.values())).map(done -> {
            Map<String, JsonObject> documents = new LinkedHashMap<>();
            fetches.forEach((service, fetch) -> documents.put(service, fetch.result()));
            JsonObject merged = merge(documents, gateway.routes());
            last = new Merged(merged, now, !merged.containsKey("x-agentyard-missing"));
            return merged;
        });
    }

    /** The services of the route table, in its order. */
    private List<String> services() {
        List<String> services = new ArrayList<>();
        for (RouteTable.Route route : gateway.routes().routes()) {
            if (!services.contains(route.service())) {
                services.add(route.service());
            }
        }
        return services;
    }

    private Future<JsonObject> fetch(String service) {
        SocketAddress origin = gateway.origin(service);
        Duration timeout = config.openapiTimeout();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(origin.host())
                .setPort(origin.port()).setURI("/q/openapi?format=json").setIdleTimeout(timeout.toMillis())
                .putHeader("Accept", "application/json");
        return client.request(options)
                .compose(request -> request.send())
                .compose(response -> response.statusCode() == 200 ? response.body()
                        : Future.failedFuture(service + " answered " + response.statusCode()))
                .map(JsonObject::new);
    }

    /** Merges the services' documents (null: the service did not answer). */
    static JsonObject merge(Map<String, JsonObject> documents, RouteTable routes) {
        JsonObject merged = new JsonObject();
        JsonObject paths = new JsonObject();
        Map<String, JsonObject> tags = new TreeMap<>();
        JsonObject components = new JsonObject();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, JsonObject> entry : documents.entrySet()) {
            String service = entry.getKey();
            JsonObject document = entry.getValue();
            if (document == null) {
                missing.add(service);
                continue;
            }
            if (merged.getString("openapi") == null && document.getString("openapi") != null) {
                merged.put("openapi", document.getString("openapi"));
            }
            JsonObject own = document.getJsonObject("paths", new JsonObject());
            for (String path : own.fieldNames()) {
                // a template's {id} stands for any one segment
                String sample = path.replaceAll("\\{[^}/]+}", "x");
                if (routes.serviceFor(sample).filter(service::equals).isEmpty()) {
                    continue;
                }
                putOnce(paths, path, own.getJsonObject(path), service, "path");
            }
            for (Object tag : document.getJsonArray("tags", new JsonArray())) {
                JsonObject t = (JsonObject) tag;
                JsonObject before = tags.putIfAbsent(t.getString("name"), t);
                if (before != null && !before.equals(t)) {
                    LOG.warnf("tag %s: %s describes it differently; the first description is kept", t.getString("name"), service);
                }
            }
            JsonObject own2 = document.getJsonObject("components", new JsonObject());
            for (String kind : COMPONENT_KINDS) {
                JsonObject items = own2.getJsonObject(kind);
                if (items == null) {
                    continue;
                }
                JsonObject into = components.getJsonObject(kind);
                if (into == null) {
                    into = new JsonObject();
                    components.put(kind, into);
                }
                for (String name : items.fieldNames()) {
                    putOnce(into, name, items.getValue(name), service, kind);
                }
            }
        }
        if (merged.getString("openapi") == null) {
            merged.put("openapi", "3.1.0");
        }
        merged.put("info", new JsonObject().put("title", "Agentyard API").put("version", "0.1.0")
                .put("description", "The whole Agentyard API behind one address: each /api/ path is answered by "
                        + "the service that owns it (identity, agent, task, execution, chat). Errors are RFC 9457 "
                        + "problem details (application/problem+json)."));
        merged.put("servers", new JsonArray().add(new JsonObject().put("url", "/")));
        merged.put("tags", new JsonArray(new ArrayList<>(tags.values())));
        merged.put("paths", sorted(paths));
        for (String kind : components.fieldNames()) {
            components.put(kind, sorted(components.getJsonObject(kind)));
        }
        merged.put("components", components);
        if (!missing.isEmpty()) {
            merged.put("x-agentyard-missing", new JsonArray(missing));
        }
        return merged;
    }

    private static void putOnce(JsonObject into, String name, Object value, String service, String what) {
        Object before = into.getValue(name);
        if (before == null) {
            into.put(name, value);
        } else if (!before.equals(value)) {
            LOG.warnf("%s %s: %s documents it differently from an earlier service; the first is kept", what, name, service);
        }
    }

    /** JSON as plain maps and lists, which YAML writes without type tags. */
    static Object plain(Object json) {
        if (json instanceof JsonObject) {
            Map<String, Object> map = new LinkedHashMap<>();
            ((JsonObject) json).forEach(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        if (json instanceof JsonArray) {
            List<Object> list = new ArrayList<>();
            ((JsonArray) json).forEach(item -> list.add(plain(item)));
            return list;
        }
        return json;
    }

    private static JsonObject sorted(JsonObject object) {
        return new JsonObject(new TreeMap<>(object.getMap()));
    }
}
