package io.signup.saveemail.outbox;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.extensions.DistributedTracingExtension;
import io.cloudevents.http.vertx.VertxMessageFactory;
import io.signup.contract.SignupEvent;
import io.signup.saveemail.config.SaveEmailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Publishes outbox records to the Knative Broker as binary-mode CloudEvents. This class owns the event's attributes
 * (from the contract), the per-attempt timeout and the retries; callers only learn whether the Broker accepted the
 * event.
 */
@ApplicationScoped
public class BrokerClient {

    /** Status codes Knative itself retries; any other non-2xx answer would fail again the same way. */
    private static final Set<Integer> RETRYABLE_STATUS = Set.of(404, 408, 409, 429);

    private final SaveEmailConfig.Broker config;
    private final WebClient client;

    public BrokerClient(Vertx vertx, SaveEmailConfig config) {
        this.config = config.broker();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) this.config.timeout().toMillis())
                .setKeepAlive(true));
    }

    /**
     * Sends the event, retrying what a retry can fix. Fails with {@link BrokerException} when the Broker did not take
     * it (the record then stays pending in the outbox).
     */
    public Uni<Void> publish(OutboxEvent record) {
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
        return Uni.createFrom().deferred(() -> attempt(url, event))
                .onFailure(BrokerClient::isRetryable).retry()
                .withBackOff(config.backoff()).atMost(config.retries());
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

    private Uni<Void> attempt(String url, CloudEvent event) {
        // Binary mode: attributes become ce-* headers and datacontenttype becomes Content-Type, so data stays JSON.
        var response = VertxMessageFactory.createWriter(client.postAbs(url).timeout(config.timeout().toMillis()))
                .writeBinary(event);
        return Uni.createFrom().completionStage(response.toCompletionStage())
                .onFailure().transform(failure -> new BrokerException("broker unreachable: " + failure, 0))
                .map(BrokerClient::accepted);
    }

    private static Void accepted(HttpResponse<?> response) {
        if (response.statusCode() / 100 != 2) {
            throw new BrokerException("broker answered " + response.statusCode(), response.statusCode());
        }
        return null;
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
