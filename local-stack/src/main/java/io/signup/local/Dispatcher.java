package io.signup.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.fabric8.knative.duck.v1.DeliverySpec;
import io.fabric8.knative.duck.v1.Destination;
import io.fabric8.knative.eventing.v1.Trigger;
import io.signup.contract.Senders;
import io.signup.peers.LocalIssuer;

/**
 * The local Broker's dispatcher: delivers each accepted event to every Trigger whose filter matches, retries by the
 * delivery spec (Knative's retryable codes: 5xx, 404, 408, 409, 429, and no answer) with its backoff, sends what it
 * cannot deliver to the dead-letter sink with Knative's error extensions, and ingests a subscriber's reply event
 * like a new one. Deliveries still to make are kept in {@link PendingDeliveries}, and resumed when it starts.
 */
final class Dispatcher implements AutoCloseable {

    private static final int ERROR_DATA_MAX_BYTES = 1024;
    /** A delivery record keeps the start of a failed answer; the dead letter keeps more of it. */
    private static final int ANSWER_MAX_BYTES = 300;

    private final KnativeConfig config;
    private final Function<String, URI> services;
    private final LocalIssuer issuer;
    private final PendingDeliveries pending;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Deliveries in flight at once: enough that retries keep their schedule while a subscriber is slow to fail. */
    private final ScheduledExecutorService dispatcher = Executors.newScheduledThreadPool(16);
    private final List<CloudEvent> received = new CopyOnWriteArrayList<>();
    private final List<LocalBroker.Delivery> deliveries = new CopyOnWriteArrayList<>();

    Dispatcher(KnativeConfig config, Function<String, URI> services, LocalIssuer issuer, PendingDeliveries pending) {
        this.config = config;
        this.services = services;
        this.issuer = issuer;
        this.pending = pending;
    }

    /** Goes on with the deliveries a previous run left. */
    void resume() {
        for (PendingDeliveries.Pending left : pending.load()) {
            config.triggers().stream().filter(t -> t.getMetadata().getName().equals(left.trigger())).findFirst()
                    .ifPresent(trigger -> dispatcher.execute(() -> attemptLogged(left, trigger)));
        }
    }

    List<CloudEvent> received() {
        return List.copyOf(received);
    }

    List<LocalBroker.Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Accepts an event, as the Broker's ingress does, and fans it out to the matching Triggers. */
    void ingest(CloudEvent event) {
        received.add(event);
        for (Trigger trigger : config.triggers()) {
            if (trigger.getSpec().getBroker().equals(config.broker().getMetadata().getName())
                    && TriggerFilter.matches(trigger, event)) {
                PendingDeliveries.Pending delivery = pending.add(event, trigger.getMetadata().getName());
                dispatcher.execute(() -> attemptLogged(delivery, trigger));
            }
        }
    }

    /** A failure inside the dispatcher would vanish with its task: say it. */
    private void attemptLogged(PendingDeliveries.Pending delivery, Trigger trigger) {
        try {
            attempt(delivery, trigger);
        } catch (RuntimeException e) {
            System.err.println("[broker] delivery of " + delivery.event().getId() + " failed inside the Broker: " + e);
            e.printStackTrace();
        }
    }

    private void attempt(PendingDeliveries.Pending pendingDelivery, Trigger trigger) {
        CloudEvent event = pendingDelivery.event();
        int attempt = pendingDelivery.attempt();
        URI subscriber = resolve(trigger.getSpec().getSubscriber());
        DeliverySpec delivery = trigger.getSpec().getDelivery() != null ? trigger.getSpec().getDelivery()
                : config.broker().getSpec().getDelivery();
        int retries = delivery == null || delivery.getRetry() == null ? 0 : delivery.getRetry();
        int status;
        byte[] body = new byte[0];
        // A delivery is recorded at its start: what the subscriber did while answering (a mail) comes after it.
        Instant started = Instant.now();
        try {
            HttpResponse<byte[]> response = send(subscriber, signed(trigger, trigger.getSpec().getSubscriber()), event);
            status = response.statusCode();
            body = response.body();
            if (status / 100 == 2) {
                record(event, trigger, subscriber, attempt, started, status, "delivered", null);
                reply(response).ifPresent(this::ingest);
                pending.done(pendingDelivery);
                return;
            }
        } catch (IOException e) {
            status = 0; // no answer: retryable, like a timeout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (retryable(status) && attempt <= retries) {
            record(event, trigger, subscriber, attempt, started, status, "retrying", body);
            PendingDeliveries.Pending next = pending.next(pendingDelivery);
            dispatcher.schedule(() -> attemptLogged(next, trigger), backoff(delivery, attempt).toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        record(event, trigger, subscriber, attempt, started, status, "dead-lettered", body);
        if (deadLetter(event, trigger, delivery, subscriber, status, body)) {
            pending.done(pendingDelivery); // else it stays, and the next start of the Broker tries again
        }
    }

    /**
     * The {@code Authorization} a delivery to {@code destination} carries: Knative sends the Trigger's own identity,
     * for the audience the destination names, and no token to a destination without one.
     */
    private String signed(Trigger trigger, Destination destination) {
        return destination.getAudience() == null ? null
                : issuer.bearer(Senders.trigger(trigger.getMetadata().getName()), destination.getAudience());
    }

    private HttpResponse<byte[]> send(URI target, String authorization, CloudEvent event)
            throws IOException, InterruptedException {
        Map<String, String> headers = new TreeMap<>();
        byte[][] body = { new byte[0] };
        HttpMessageFactory.createWriter(headers::put, bytes -> body[0] = bytes == null ? new byte[0] : bytes)
                .writeBinary(event);
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body[0]));
        headers.forEach(request::header);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A reply event in the response (binary or structured), which re-enters the Broker. */
    private static java.util.Optional<CloudEvent> reply(HttpResponse<byte[]> response) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
        boolean binary = headers.containsKey("ce-id");
        boolean structured = headers.getOrDefault("content-type", "").startsWith(JsonFormat.CONTENT_TYPE);
        if (!binary && !structured) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(HttpMessageFactory.createReader(headers, response.body()).toEvent());
        } catch (RuntimeException e) {
            System.err.println("[broker] reply is not a readable CloudEvent, dropped: " + e);
            return java.util.Optional.empty();
        }
    }

    /** @return whether the dead-letter sink took the event, or there is none (Knative drops it too) */
    private boolean deadLetter(CloudEvent event, Trigger trigger, DeliverySpec delivery, URI subscriber, int status,
            byte[] body) {
        if (delivery == null || delivery.getDeadLetterSink() == null) {
            return true;
        }
        byte[] data = body.length > ERROR_DATA_MAX_BYTES ? java.util.Arrays.copyOf(body, ERROR_DATA_MAX_BYTES) : body;
        CloudEvent failed = CloudEventBuilder.v1(event)
                .withExtension("knativeerrordest", subscriber.toString())
                .withExtension("knativeerrorcode", Integer.toString(status))
                .withExtension("knativeerrordata", Base64.getEncoder().encodeToString(data))
                .build();
        try {
            int answer = send(resolve(delivery.getDeadLetterSink()), signed(trigger, delivery.getDeadLetterSink()),
                    failed).statusCode();
            if (answer / 100 == 2) {
                return true;
            }
            System.err.println("[broker] dead-letter sink answered " + answer + " for event " + event.getId());
        } catch (IOException e) {
            System.err.println("[broker] dead-letter sink unreachable for event " + event.getId() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private URI resolve(Destination destination) {
        URI base = destination.getRef() != null ? services.apply(destination.getRef().getName()) : null;
        if (destination.getUri() == null) {
            return base;
        }
        return base == null ? URI.create(destination.getUri()) : base.resolve(destination.getUri());
    }

    /** Knative's backoff: linear waits delay × n before retry n, exponential waits delay × 2^(n-1). */
    static Duration backoff(DeliverySpec delivery, int retry) {
        Duration delay = delivery.getBackoffDelay() == null ? Duration.ZERO : Duration.parse(delivery.getBackoffDelay());
        return "linear".equals(delivery.getBackoffPolicy())
                ? delay.multipliedBy(retry)
                : delay.multipliedBy(1L << Math.min(retry - 1, 30));
    }

    static boolean retryable(int status) {
        return status == 0 || status >= 500 || status == 404 || status == 408 || status == 409 || status == 429;
    }

    private void record(CloudEvent event, Trigger trigger, URI subscriber, int attempt, Instant started, int status,
            String outcome, byte[] answer) {
        String text = answer == null ? null : new String(answer, 0, Math.min(answer.length, ANSWER_MAX_BYTES),
                java.nio.charset.StandardCharsets.UTF_8);
        deliveries.add(new LocalBroker.Delivery(event.getId(), event.getType(), trigger.getMetadata().getName(),
                subscriber.toString(), attempt, status, outcome, text, started));
        System.out.printf("[broker] %s %s -> %s (trigger %s): %s, attempt %d, status %d%n", event.getType(),
                event.getId(), subscriber, trigger.getMetadata().getName(), outcome, attempt, status);
    }

    @Override
    public void close() {
        dispatcher.shutdownNow();
    }
}
