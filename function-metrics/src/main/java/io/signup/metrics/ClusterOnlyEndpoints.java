package io.signup.metrics;

import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Keeps the endpoints meant for the cluster (metrics, health, maintenance calls such as save-email-fn's outbox
 * republish) away from the internet. Knative serves public and cluster-local traffic through separate gateways, and
 * both keep the Host the caller used: a request from the internet names the public domain
 * ({@code save-email-fn.signup.example.com}), one from inside the cluster a service name
 * ({@code save-email-fn.signup.svc.cluster.local}, the PingSource's sink), a pod address (Prometheus, the kubelet) or
 * localhost (queue-proxy probes, {@code make run}). A cluster-only path asked for by any other host gets the same 404
 * as a path that does not exist.
 */
@ApplicationScoped
public class ClusterOnlyEndpoints {

    /** Before every route of the functions (their guards, Funqy, the REST resources). */
    private static final int ORDER = -1000;

    private final List<String> paths;
    private final String clusterDomain;

    /** {@code signup.http.*}: SIGNUP_HTTP_CLUSTER_ONLY_PATHS, SIGNUP_HTTP_CLUSTER_DOMAIN. */
    @ConfigMapping(prefix = "signup.http")
    public interface Config {
        /** Exact paths, or prefixes ending in {@code /*}. */
        @WithDefault("/q/*")
        List<String> clusterOnlyPaths();

        /** The cluster's DNS domain, as in {@code <service>.<namespace>.svc.<domain>}. */
        @WithDefault("cluster.local")
        String clusterDomain();
    }

    public ClusterOnlyEndpoints(Config config) {
        this.paths = List.copyOf(config.clusterOnlyPaths());
        this.clusterDomain = config.clusterDomain().toLowerCase(Locale.ROOT);
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::admit);
    }

    private void admit(RoutingContext context) {
        HostAndPort authority = context.request().authority();
        if (isClusterOnly(context.request().path()) && !isClusterHost(authority == null ? null : authority.host())) {
            context.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", "no such function").encode());
        } else {
            context.next();
        }
    }

    boolean isClusterOnly(String path) {
        return paths.stream().anyMatch(entry -> entry.endsWith("/*")
                ? path.startsWith(entry.substring(0, entry.length() - 1))
                : path.equals(entry));
    }

    /**
     * Whether a request naming {@code host} came from inside the cluster. No public gateway routes a request without
     * a Host, an address, a single-label name or a service name of the cluster domain, so only those count.
     */
    boolean isClusterHost(String host) {
        if (host == null || host.isEmpty()) {
            return true;
        }
        String name = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        return name.equals("localhost")
                || name.startsWith("[")
                || name.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                || !name.contains(".")
                || name.endsWith(".svc")
                || name.endsWith(".svc." + clusterDomain);
    }
}
