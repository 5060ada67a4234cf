package io.signup.saveemail.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.signup.peers.RecordingSink;
import io.signup.peers.TestDatabase;

/**
 * Starts the real parts save-email-fn talks to, a Postgres and an HTTP sink in place of the Broker, once for the
 * whole test run, and points the function at them through its standard configuration keys.
 */
public class SaveEmailTestEnvironment implements QuarkusTestResourceLifecycleManager {

    public static final TestDatabase DATABASE = new TestDatabase();
    public static final RecordingSink SINK = new RecordingSink();

    @Override
    public Map<String, String> start() {
        DATABASE.start();
        SINK.start();
        return Map.of(
                "quarkus.datasource.reactive.url", DATABASE.reactiveUrl(),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres",
                "signup.broker.url", SINK.url());
    }

    @Override
    public void stop() {
        SINK.stop();
        DATABASE.stop();
    }
}
