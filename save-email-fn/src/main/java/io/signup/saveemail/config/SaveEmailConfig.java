package io.signup.saveemail.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Our own settings; every key also reads from its env var form (signup.broker.timeout = SIGNUP_BROKER_TIMEOUT). */
@ConfigMapping(prefix = "signup")
public interface SaveEmailConfig {

    Broker broker();

    Outbox outbox();

    Database database();

    Consent consent();

    Limits limits();

    Client client();

    Retention retention();

    Reports reports();

    /**
     * The intakes of bounce and complaint reports that arrive after the SMTP conversation (report/ReportEndpoints).
     * An intake whose credentials are not configured is off: it answers 404.
     */
    interface Reports {
        Ses ses();

        /** Basic-auth credentials Postmark's Bounce and SpamComplaint webhooks send (env SIGNUP_REPORTS_POSTMARK_*). */
        Credentials postmark();

        /** Basic-auth credentials of whoever posts raw DSN and ARF reports (env SIGNUP_REPORTS_RAW_*). */
        Credentials raw();
    }

    /** An intake's basic-auth credentials; without both, the intake is off. */
    interface Credentials {
        Optional<String> username();

        Optional<String> password();

        default boolean configured() {
            return username().isPresent() && password().isPresent();
        }
    }

    /** Amazon SES notifications through SNS. */
    interface Ses {
        /**
         * The SNS topics whose notifications are believed (env SIGNUP_REPORTS_SES_TOPIC_ARNS). A valid SNS signature
         * only proves that some topic in AWS sent the message, and anyone can make a topic: without this list the
         * intake is off.
         */
        Optional<List<String>> topicArns();

        /** Hosts a SigningCertURL or SubscribeURL may name (a regular expression); always https. */
        @WithDefault("sns\\.[a-z0-9-]+\\.amazonaws\\.com")
        String certHost();

        /**
         * A PKCS#12 trust store for fetching the signing certificate, instead of the JVM's CAs. Tests only: they serve
         * a locally made certificate over local HTTPS.
         */
        Optional<String> trustStore();

        Optional<String> trustStorePassword();

        /** Upper bound of fetching a signing certificate or confirming a subscription. */
        @WithDefault("5s")
        Duration fetchTimeout();
    }

    /** How long personal data is kept once it serves no purpose (env SIGNUP_RETENTION_*). */
    interface Retention {
        /** A never-confirmed subscriber, its consent and outbox records: this long after its link expired. */
        @WithDefault("P30D")
        Duration unconfirmed();

        /** An ended subscription's consent records (and the subscriber): this long after the unsubscribe. */
        @WithDefault("P730D")
        Duration consent();

        /** A dead letter: this long after it was last seen. */
        @WithDefault("P30D")
        Duration deadLetters();
    }

    /**
     * The public URL of render-html-fn (env SIGNUP_PAGE_URL): form posts are answered with a redirect to its result
     * pages, and a GET of an unsubscribe link is sent on to its unsubscribe page. A form posted from another page
     * origin allowed by CORS is sent back to that origin.
     */
    URI pageUrl();

    interface Broker {
        /**
         * Where events are sent: the Broker URL that a Knative SinkBinding injects as K_SINK. When absent, signups are
         * still stored and their events wait in the outbox until a sink is configured.
         */
        Optional<URI> url();

        /** Upper bound of one send attempt, connect included: a stuck Broker must not hold a signup. */
        @WithDefault("1s")
        Duration timeout();

        /**
         * Extra attempts after a failure a retry can fix (connection error, 5xx, 429). A timeout is not retried inline:
         * the signup answers and the outbox republishes the event.
         */
        @WithDefault("2")
        int retries();

        /** Pause before the first retry; doubles on each further one. */
        @WithDefault("100ms")
        Duration backoff();

        Breaker breaker();
    }

    /**
     * The circuit breaker in front of the Broker: while the Broker fails, a signup commits its outbox record and
     * answers at once instead of paying for attempts that cannot succeed.
     */
    interface Breaker {
        /** Consecutive attempts that failed as an outage does (no answer, timeout, 5xx, 429...) that open it. */
        @WithDefault("5")
        int failures();

        /**
         * How long it stays open before one attempt probes the Broker again. While open, events wait in the outbox
         * for the probe's success or the next scheduled republish; a probe of a Broker that does not answer holds
         * its one signup for at most {@link Broker#timeout()}.
         */
        @WithDefault("5s")
        Duration delay();
    }

    interface Outbox {
        /**
         * How long a publisher owns an outbox record before another may take it over: longer than a publish with all
         * its retries, so the republisher never races a publish still in flight, yet short enough that an event whose
         * publisher died is sent at the next scheduled republish.
         */
        @WithDefault("30s")
        Duration lease();

        /** Records claimed at a time by a republish run. */
        @WithDefault("100")
        int batchSize();

        /** How long one republish run may keep publishing batches; what is left waits for the next run. */
        @WithDefault("20s")
        Duration republishBudget();

        /** Attempts after which a record that still fails is set aside instead of retried. */
        @WithDefault("60")
        int maxAttempts();

        /** How long published records (which hold addresses) are kept. */
        @WithDefault("P7D")
        Duration retention();

        /**
         * How long the mark of an event published right after its commit may wait for the next signup's statement to
         * write it, before it is written on its own (with any others waiting). Far shorter than the lease, which keeps
         * the record from being republished meanwhile, and short enough that an event's timeline shows it published
         * about when it was delivered.
         */
        @WithDefault("100ms")
        Duration markDelay();
    }

    interface Consent {
        /** How long a confirmation link works. */
        @WithDefault("P7D")
        Duration tokenTtl();

        /** A pending address that signs up again gets a new confirmation mail at most once per this window. */
        @WithDefault("24h")
        Duration resendWindow();
    }

    /**
     * Abuse limits, counted in Postgres so that they hold across replicas and scale-to-zero. Each is a number of
     * signups per fixed window; beyond it the answer is 429 with Retry-After (the rest of the window).
     */
    interface Limits {
        /** Signups one client address may send per {@link #clientWindow()}. */
        @WithDefault("20")
        int clientMax();

        @WithDefault("10m")
        Duration clientWindow();

        /** Signups for one mailbox (case and +tags ignored) per {@link #mailboxWindow()}. */
        @WithDefault("5")
        int mailboxMax();

        @WithDefault("24h")
        Duration mailboxWindow();
    }

    interface Client {
        /**
         * Proxies whose X-Forwarded-For is believed (CIDR blocks): on Knative the request reaches the function from
         * its queue-proxy on loopback, through the ingress and activator on pod addresses. The client address is the
         * rightmost one in the chain that is not such a proxy.
         */
        @WithDefault("127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7")
        List<String> trustedProxies();
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
