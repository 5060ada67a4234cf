package io.signup.saveemail.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.signup.peers.LocalIssuer;
import io.signup.peers.ProjectedToken;
import io.signup.peers.RecordingSink;
import io.signup.peers.TestDatabase;

/**
 * Starts the real parts save-email-fn talks to, a Postgres, an HTTP sink in place of the Broker and SNS's certificate
 * host, once for the whole test run, and points the function at them through its standard configuration keys.
 */
public class SaveEmailTestEnvironment implements QuarkusTestResourceLifecycleManager {

    public static final TestDatabase DATABASE = new TestDatabase().countingStatements();
    public static final RecordingSink SINK = new RecordingSink();
    /** Our SinkBinding's identity, as Knative projects it with authentication-oidc on. */
    public static final ProjectedToken TOKEN = new ProjectedToken("token-of-save-email-fn-1");
    /** The service-account issuer whose tokens the PingSource and operators carry. */
    public static final LocalIssuer ISSUER = new LocalIssuer().start();
    /** Amazon SNS for the SES report intake: its signing certificate, over local HTTPS. */
    public static final SnsPeer SNS = new SnsPeer();

    @Override
    public Map<String, String> start() {
        DATABASE.start();
        SINK.start();
        SNS.start();
        Map<String, String> config = new HashMap<>(TOKEN.config());
        config.putAll(ISSUER.config(As.AUDIENCE));
        config.putAll(SNS.config());
        config.putAll(Map.of(
                "quarkus.datasource.reactive.url", DATABASE.reactiveUrl(),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres",
                "signup.broker.url", SINK.url()));
        return config;
    }

    @Override
    public void stop() {
        SINK.stop();
        SNS.stop();
        DATABASE.stop();
    }
}
