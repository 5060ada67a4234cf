package io.signup.saveemail.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Our own settings; every key also reads from its env var form (signup.broker.timeout = SIGNUP_BROKER_TIMEOUT). */
@ConfigMapping(prefix = "signup")
public interface SaveEmailConfig {

    Broker broker();

    Outbox outbox();

    Database database();

    interface Broker {
        /**
         * Where events are sent: the Broker URL that a Knative SinkBinding injects as K_SINK. When absent, signups are
         * still stored and their events wait in the outbox until a sink is configured.
         */
        Optional<URI> url();

        /** Upper bound of one send attempt, connect included: a stuck Broker must not hold a signup. */
        @WithDefault("1s")
        Duration timeout();

        /** Extra attempts after a failure a retry can fix (connection error, timeout, 5xx, 429). */
        @WithDefault("2")
        int retries();

        /** Pause before the first retry; doubles on each further one. */
        @WithDefault("100ms")
        Duration backoff();
    }

    interface Outbox {
        /**
         * How long a publisher owns an outbox record before another may take it over: longer than a publish with all
         * its retries, so the republisher never races a publish still in flight, yet short enough that an event whose
         * publisher died is sent at the next scheduled republish.
         */
        @WithDefault("30s")
        Duration lease();

        /** Records claimed by one republish call; what is left waits for the next one. */
        @WithDefault("100")
        int batchSize();
    }

    interface Database {
        /** Longest wait for a pooled connection, so an unreachable database gives a quick 503 instead of a hang. */
        @WithDefault("2s")
        Duration acquireTimeout();

        /** TCP connect timeout to Postgres (the driver's default is 60 s). */
        @WithDefault("2s")
        Duration connectTimeout();
    }
}
