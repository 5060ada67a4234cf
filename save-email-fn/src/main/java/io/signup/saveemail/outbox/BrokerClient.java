package io.signup.saveemail.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.extensions.DistributedTracingExtension;
import io.cloudevents.http.vertx.VertxMessageFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ConnectTimeoutException;
import io.micrometer.core.instrument.Tag;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.logging.Log;
import io.signup.contract.SignupEvent;
import io.signup.http.BrokerTrust;
import io.signup.http.OidcToken;
import io.signup.saveemail.config.SaveEmailConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Publishes outbox records to the Knative Broker as binary-mode CloudEvents. This class owns the event's attributes
 * (from the contract), the per-attempt timeout, the retries and the circuit breaker; callers only learn whether the
 * Broker accepted the event.
 * <p>
 * The breaker (SmallRye Fault Tolerance) guards every attempt. After {@code signup.broker.breaker.failures}
 * consecutive attempts that failed the way an outage does (no answer, timeout, 5xx, 429 and the like), it opens: for
 * {@code signup.broker.breaker.delay} nothing is sent, and a signup leaves its event to the outbox at once instead of
 * paying for attempts, timeouts and retries that cannot succeed. When the delay has passed, the breaker turns
 * half-open by itself, and one attempt probes the Broker: the first send of the backlog, which the listeners given to
 * {@link #onBacklogDue} start then without waiting for traffic or the schedule, or a signup's. Its success closes the
 * breaker, and the backlog goes on; its failure opens it for another delay.
 */
@ApplicationScoped
public class BrokerClient {

    /** Status codes Knative itself retries; any other non-2xx answer would fail again the same way. */
    private static final Set<Integer> RETRYABLE_STATUS = Set.of(404, 408, 409, 429);

    private static final int CONNECTIONS = 16;
    private static final TypeLiteral<Uni<Integer>> ATTEMPT = new TypeLiteral<>() {
    };

    private final SaveEmailConfig.Broker config;
    private final WebClient client;
    private final MeterRegistry metrics;
    private final OidcToken oidc;
    private final TypedGuard<Uni<Integer>> breaker;
    private final List<Runnable> backlogListeners = new CopyOnWriteArrayList<>();
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
    private volatile Instant openedAt = Instant.MIN;

    public BrokerClient(Vertx vertx, SaveEmailConfig config, MeterRegistry metrics, OidcToken oidc,
            BrokerTrust trust) {
        this.config = config.broker();
        this.oidc = oidc;
        this.metrics = metrics;
        this.client = WebClient.create(vertx, trust.apply(new WebClientOptions())
                .setConnectTimeout((int) this.config.timeout().toMillis())
                // As many connections as the database pool allows signups in flight (Vert.x's default is 5).
                .setMaxPoolSize(CONNECTIONS)
                .setKeepAlive(true));
        SaveEmailConfig.Breaker settings = this.config.breaker();
        this.breaker = TypedGuard.create(ATTEMPT)
                .withDescription("broker publish")
                .withCircuitBreaker()
                // A window of N attempts that must all have failed: N consecutive failures open it.
                .requestVolumeThreshold(settings.failures())
                .failureRatio(1.0)
                .delay(settings.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                // A refusal for good (400, 403...) is the Broker answering: it says nothing about an outage.
                .when(BrokerClient::isRetryable)
                .onStateChange(this::stateChanged)
                .done()
                // Attempts run where they are called, on the caller's Vert.x context: no thread hop.
                .withThreadOffload(false)
                .build();
        metrics.counter("broker.circuit.opened");
        for (CircuitBreakerState each : CircuitBreakerState.values()) {
            metrics.gauge("broker.circuit.state", List.of(Tag.of("state", each.name().toLowerCase(Locale.ROOT))), this,
                    client -> client.state == each ? 1 : 0);
        }
    }

    /**
     * Sends the event, retrying what a retry can fix. Fails with {@link BrokerException} when the Broker did not take
     * it (the record then stays pending in the outbox).
     *
     * @return the Broker's answer (a 2xx status), which the record keeps for the event's timeline
     */
    public Uni<Integer> publish(OutboxEvent record) {
        if (config.url().isEmpty()) {
            return Uni.createFrom().failure(new BrokerException("no sink configured (K_SINK is not set)", 0));
        }
        String url = config.url().get().toString();
        SignupEvent type = SignupEvent.ofType(record.type).orElse(null);
        if (type == null) {
            return Uni.createFrom().failure(new BrokerException("not an event type of ours: " + record.type, 0));
        }
        // The outbox id is the event id: a redelivery of the same event carries the same id.
        CloudEvent event = withTraceContext(type.cloudEvent(record.id, record.createdAt,
                record.payload.getBytes(StandardCharsets.UTF_8)), record);
        // Retried only while the breaker is closed, and not after a timeout: a Broker that did not answer within it
        // is likely stuck, and a second wait would double what the signup pays. The outbox takes over instead.
        return Uni.createFrom().deferred(() -> guardedAttempt(url, event))
                .onFailure(failure -> isRetryable(failure) && !(failure instanceof BrokerException broker
                        && broker.timedOut()) && state == CircuitBreakerState.CLOSED).retry()
                .withBackOff(config.backoff()).atMost(config.retries());
    }

    /** Whether an event written now should be sent at once: not while the breaker is open (it would refuse it). */
    public boolean publishesInline() {
        return state != CircuitBreakerState.OPEN;
    }

    /** The breaker's state, and since when it has been open, for the health details. */
    public CircuitBreakerState circuitState() {
        return state;
    }

    public Instant openedAt() {
        return openedAt;
    }

    /**
     * {@code listener} runs when events that waited in the outbox should be sent: when the breaker turns half-open
     * (the first send is its probe), and when a probe succeeded and closed it.
     */
    public void onBacklogDue(Runnable listener) {
        backlogListeners.add(listener);
    }

    private Uni<Integer> guardedAttempt(String url, CloudEvent event) {
        return breaker.get(() -> attempt(url, event))
                .onFailure(CircuitBreakerOpenException.class).transform(open -> BrokerException.notAttempted(
                        "not sent: the Broker failed " + config.breaker().failures()
                                + " consecutive attempts, circuit open"));
    }

    /**
     * Logged once per change, not once per signup. broker_circuit_opened_total counts the outages seen;
     * broker_circuit_state{state} says where the breaker is now.
     */
    private void stateChanged(CircuitBreakerState next) {
        CircuitBreakerState previous = state;
        if (next == CircuitBreakerState.OPEN) {
            openedAt = Instant.now();
        }
        state = next;
        switch (next) {
            case OPEN -> {
                metrics.counter("broker.circuit.opened").increment();
                Log.warnf("Broker failing: circuit open (was %s), events wait in the outbox; next probe in %s",
                        previous, config.breaker().delay());
            }
            case HALF_OPEN -> {
                Log.infof("Broker circuit half-open: probing with one attempt");
                backlogDue();
            }
            case CLOSED -> {
                Log.infof("Broker answers again: circuit closed, sending the outbox backlog");
                backlogDue();
            }
        }
    }

    private void backlogDue() {
        backlogListeners.forEach(Runnable::run);
    }

    /**
     * Adds the signup's trace context as the CloudEvents distributed-tracing extension. It travels as
     * {@code ce-traceparent} with the event through the Broker, whatever the Broker does with the HTTP
     * {@code traceparent} header of each hop.
     */
    private static CloudEvent withTraceContext(CloudEvent event, OutboxEvent record) {
        if (record.traceparent == null) {
            return event;
        }
        CloudEventBuilder builder = CloudEventBuilder.from(event)
                .withExtension(DistributedTracingExtension.TRACEPARENT, record.traceparent);
        if (record.tracestate != null) {
            builder.withExtension(DistributedTracingExtension.TRACESTATE, record.tracestate);
        }
        return builder.build();
    }

    private Uni<Integer> attempt(String url, CloudEvent event) {
        // Binary mode: attributes become ce-* headers and datacontenttype becomes Content-Type, so data stays JSON.
        var request = client.postAbs(url).timeout(config.timeout().toMillis());
        // Our SinkBinding's identity, which the Broker's EventPolicies admit (when OIDC is on).
        oidc.authorization().ifPresent(token -> request.putHeader(HttpHeaderNames.AUTHORIZATION.toString(), token));
        var response = VertxMessageFactory.createWriter(request).writeBinary(event);
        // The deadline covers the whole attempt, the wait for a pooled connection included: with a Broker that
        // holds every connection, a queued attempt would otherwise wait for one, then for its own timeout.
        return Uni.createFrom().completionStage(response.toCompletionStage())
                .ifNoItem().after(config.timeout()).failWith(this::timedOut)
                .onFailure(failure -> !(failure instanceof BrokerException)).transform(failure ->
                        failure instanceof TimeoutException || failure instanceof ConnectTimeoutException ? timedOut()
                                : new BrokerException("broker unreachable: " + failure, 0))
                .map(BrokerClient::accepted);
    }

    private BrokerException timedOut() {
        return BrokerException.timedOut("broker did not answer within " + config.timeout());
    }

    private static Integer accepted(HttpResponse<?> response) {
        if (response.statusCode() / 100 != 2) {
            throw new BrokerException("broker answered " + response.statusCode(), response.statusCode());
        }
        return response.statusCode();
    }

    /** Whether a retry may fix {@code failure}: no answer, 5xx, or a status Knative itself retries. */
    public static boolean isRetryable(Throwable failure) {
        return failure instanceof BrokerException broker
                && (broker.status() == 0 || broker.status() >= 500 || RETRYABLE_STATUS.contains(broker.status()));
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
