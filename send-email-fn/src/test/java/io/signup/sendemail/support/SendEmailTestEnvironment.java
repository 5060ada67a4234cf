package io.signup.sendemail.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.signup.peers.FunctionProcess;
import io.signup.peers.LocalIssuer;
import io.signup.peers.ProjectedToken;
import io.signup.peers.RecordingSink;
import io.signup.peers.TestDatabase;

/** Starts a real SMTP server once for the test run and points the function at it through the standard keys. */
public class SendEmailTestEnvironment implements QuarkusTestResourceLifecycleManager {

    public static final TestMailServer MAIL = new TestMailServer();
    /** Where dead letters are replayed to, in place of the Broker. */
    public static final RecordingSink BROKER = new RecordingSink();
    /** Our SinkBinding's identity, as Knative projects it with authentication-oidc on. */
    public static final ProjectedToken TOKEN = new ProjectedToken("token-of-send-email-fn");
    /** The service-account issuer whose tokens the senders carry, as the cluster's API server would issue them. */
    public static final LocalIssuer ISSUER = new LocalIssuer().start();
    /** One Postgres for every test class, with the schema save-email-fn's migrations make. */
    public static final TestDatabase DATABASE = new TestDatabase();
    private static boolean databaseStarted;

    /** Starts {@link #DATABASE} once, and returns the settings that point the function at it. */
    public static synchronized Map<String, String> database() {
        if (!databaseStarted) {
            DATABASE.start();
            DATABASE.migrate(FunctionProcess.projectRoot().resolve("save-email-fn/src/main/resources/db/migration"));
            databaseStarted = true;
        }
        return Map.of("quarkus.datasource.reactive.url", DATABASE.reactiveUrl(),
                "quarkus.datasource.username", "postgres", "quarkus.datasource.password", "postgres");
    }

    /** Its own server for the outage tests, which stop and restart it: the other tests never see it restarted. */
    public static class Outage extends SendEmailTestEnvironment {

        public static final TestMailServer OUTAGE_MAIL = new TestMailServer();

        @Override
        protected TestMailServer server() {
            return OUTAGE_MAIL;
        }
    }

    protected TestMailServer server() {
        return MAIL;
    }

    @Override
    public Map<String, String> start() {
        server().start();
        BROKER.start();
        Map<String, String> config = new HashMap<>(database());
        config.put("signup.broker.url", BROKER.url());
        config.putAll(TOKEN.config());
        config.putAll(ISSUER.config(As.AUDIENCE));
        config.putAll(Map.ofEntries(
                Map.entry("quarkus.mailer.host", "localhost"),
                Map.entry("quarkus.mailer.port", Integer.toString(server().port())),
                Map.entry("quarkus.mailer.start-tls", "DISABLED"),
                Map.entry("quarkus.mailer.from", "Signup <welcome@signup.test>"),
                Map.entry("signup.mail.subject", "Welcome to the test"),
                Map.entry("signup.mail.confirm-subject", "Confirm, please"),
                Map.entry("signup.mail.confirm-from", "Signup <confirm@signup.test>"),
                Map.entry("signup.mail.list-id", "Signup test list <list.signup.test>"),
                Map.entry("signup.links.page-url", "https://signup.test"),
                Map.entry("signup.links.action-url", "https://save.signup.test/"),
                Map.entry("signup.mail.send-timeout", "2s")));
        return config;
    }

    @Override
    public void stop() {
        server().stop();
    }
}
