package io.signup.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.signup.contract.Senders;
import io.signup.peers.FunctionProcess;
import io.signup.peers.LocalIssuer;
import io.signup.peers.LocalFunction;
import io.signup.peers.TestDatabase;

/**
 * The applications make bench starts: the three functions as the cluster runs them, and their floors, each with the
 * memory its pod would have in the JVM variant (when the apps run with the JVM image's options).
 */
record Apps(App empty, App render, App save, App send, App floor) {

    /** Every signup comes from one client here: the abuse limits would refuse the load itself. */
    static final Map<String, String> UNLIMITED = Map.of("SIGNUP_LIMITS_CLIENT_MAX", "1000000000",
            "SIGNUP_LIMITS_MAILBOX_MAX", "1000000000");

    /** The cold-start set, the empty app first (the others are compared with it). */
    List<App> started() {
        return List.of(empty, render, save, send);
    }

    static Apps of(Path root, TestDatabase database, String sinkUrl, int smtpPort, boolean podMemory,
            LocalIssuer issuer) {
        Map<String, Integer> limits = podMemory ? JvmLimits.read(root.resolve("docker/jvm/kustomization.yaml"))
                : Map.of();
        Map<String, String> save = new LinkedHashMap<>(
                FunctionProcess.saveEmailEnvironment(database, sinkUrl, List.of("http://localhost:8080")));
        // As the Knative Service runs it: the migration Job owns the schema, a cold start does not migrate.
        save.put("QUARKUS_FLYWAY_MIGRATE_AT_START", "false");
        save.putAll(UNLIMITED);
        // Its PingSource's tokens are verified against the issuer, as on the cluster (none would be looked up in DNS).
        save.put("QUARKUS_OIDC_AUTH_SERVER_URL", issuer.url());
        Map<String, String> send = new LinkedHashMap<>(FunctionProcess.databaseEnvironment(database));
        send.putAll(Map.of("QUARKUS_MAILER_HOST", "localhost", "QUARKUS_MAILER_PORT", Integer.toString(smtpPort),
                "QUARKUS_MAILER_START_TLS", "DISABLED", "QUARKUS_OIDC_AUTH_SERVER_URL", issuer.url()));
        // The floor app shares save-email-fn's database settings and sink, and nothing else.
        Map<String, String> floor = new LinkedHashMap<>();
        save.forEach((key, value) -> {
            if (key.startsWith("QUARKUS_DATASOURCE_") || key.equals("K_SINK")) {
                floor.put(key, value);
            }
        });
        // Each floor gets the memory of the function it stands beside.
        int small = limits.getOrDefault("render-html-fn", 0);
        int saveLimit = limits.getOrDefault("save-email-fn", 0);
        return new Apps(
                new App("empty REST app", root, "bench/baseline-app", Map.of(), Requests.hello(), 200, small),
                new App("render-html-fn", root, "render-html-fn",
                        Map.of("SAVE_EMAIL_URL", LocalFunction.SAVE_EMAIL.localUrl() + "/saveEmail"), Requests.page(),
                        200, small),
                new App("save-email-fn", root, "save-email-fn", save, Requests.signup(), 200, saveLimit),
                new App("send-email-fn", root, "send-email-fn", send, Requests.event(
                        issuer.bearer(Senders.trigger("send-confirmation-mail"), Senders.audience("send-email-fn"))),
                        204,
                        limits.getOrDefault("send-email-fn", 0)),
                new App("signup floor app", root, "bench/floor-insert-app", floor, Requests.signup(), 200,
                        saveLimit));
    }
}
