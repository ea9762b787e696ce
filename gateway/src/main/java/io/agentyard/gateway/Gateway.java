package io.agentyard.gateway;

import java.net.ConnectException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * The front door: every {@code /api/...} request goes, as it comes (bodies, SSE streams and WebSocket
 * upgrades streamed, never buffered), to the service the {@link RouteTable} names; a path no route names is
 * a 404 problem, and a service that cannot be reached a 503 problem, at once rather than a hang.
 */
@ApplicationScoped
public class Gateway {

    private static final Logger LOG = Logger.getLogger(Gateway.class);
    /** Where the route's service is kept on the request between matching and proxying. */
    private static final String ORIGIN = "agentyard.origin";

    private final RouteTable routes = RouteTable.fromIngress();
    private final Map<String, SocketAddress> origins = new HashMap<>();

    Gateway(GatewayConfig config) {
        config.services().forEach((service, url) -> {
            URI uri = URI.create(url);
            origins.put(service, SocketAddress.inetSocketAddress(uri.getPort() > 0 ? uri.getPort() : 80, uri.getHost()));
        });
        for (RouteTable.Route route : routes.routes()) {
            if (!origins.containsKey(route.service())) {
                throw new IllegalStateException("the route table names " + route.service()
                        + ", which agentyard.gateway.services does not locate");
            }
        }
    }

    RouteTable routes() {
        return routes;
    }

    SocketAddress origin(String service) {
        return origins.get(service);
    }

    void install(@Observes Router router, Vertx vertx, GatewayConfig config) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setMaxPoolSize(200).setMaxWebSockets(1000));
        HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
                .originSelector(request -> Future.succeededFuture(origin(request)))
                .addInterceptor(new Interceptor());
        router.route("/api/*").handler(rc -> forward(rc, proxy));
    }

    private void forward(RoutingContext rc, HttpProxy proxy) {
        HttpServerRequest request = rc.request();
        Optional<String> service = routes.serviceFor(request.path());
        if (service.isEmpty()) {
            Problems.send(rc.response(), 404, null, "Not Found", "No API resource at " + request.path(), request.path());
            return;
        }
        request.headers().set(ORIGIN, service.get());
        forwarded(request);
        proxy.handle(request);
    }

    private SocketAddress origin(HttpServerRequest request) {
        String service = request.headers().get(ORIGIN);
        request.headers().remove(ORIGIN);
        return origins.get(service);
    }

    /**
     * The client as the gateway saw it, for the services (identity-service's throttling keys on the client
     * address when AGENTYARD_TRUST_PROXY is set). The gateway is the edge: what a client claims in these
     * headers is replaced, so nobody can pick the address they are throttled under.
     */
    static void forwarded(HttpServerRequest request) {
        MultiMap headers = request.headers();
        headers.set("X-Forwarded-For", request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress());
        headers.set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
        if (request.authority() != null) {
            headers.set("X-Forwarded-Host", request.authority().toString());
        }
        headers.remove("Forwarded");
    }

    /** Failures to reach a service become problems; the gateway's own CORS answer wins over a service's. */
    private final class Interceptor implements ProxyInterceptor {

        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
            ProxyRequest request = context.request();
            return context.sendRequest().recover(failure -> {
                String path = request.proxiedRequest().path();
                boolean down = failure instanceof ConnectException || failure.getCause() instanceof ConnectException
                        || String.valueOf(failure.getMessage()).contains("Connection refused");
                int status = down ? 503 : 502;
                LOG.warnf("%s %s: the service did not answer (%s)", request.getMethod(), path, failure.toString());
                ProxyResponse response = request.response().setStatusCode(status)
                        .setStatusMessage(down ? "Service Unavailable" : "Bad Gateway")
                        .putHeader("Content-Type", Problems.MEDIA_TYPE)
                        .setBody(Body.body(Problems.body(status, down ? "service-unavailable" : "bad-gateway",
                                down ? "Service Unavailable" : "Bad Gateway",
                                "The service that answers " + path + " cannot be reached; try again shortly", path)));
                if (down) {
                    response.putHeader("Retry-After", "5");
                }
                return Future.succeededFuture(response);
            });
        }

        @Override
        public Future<Void> handleProxyResponse(ProxyContext context) {
            MultiMap headers = context.response().headers();
            for (String name : Set.copyOf(headers.names())) {
                if (name.regionMatches(true, 0, "Access-Control-", 0, 15)) {
                    headers.remove(name);
                }
            }
            return context.sendResponse();
        }
    }
}
