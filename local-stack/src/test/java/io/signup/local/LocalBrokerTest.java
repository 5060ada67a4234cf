package io.signup.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.knative.duck.v1.DeliverySpec;
import io.signup.contract.Senders;
import io.signup.peers.LocalIssuer;
import io.signup.peers.RecordingSink;

/** The local Broker against real HTTP subscribers that answer what each test scripts. */
class LocalBrokerTest {

    private static final String BROKER = """
            apiVersion: eventing.knative.dev/v1
            kind: Broker
            metadata: {name: test, namespace: signup}
            spec:
              delivery:
                retry: 3
                backoffPolicy: linear
                backoffDelay: PT0.1S
                deadLetterSink:
                  ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: dead-letters}
                  audience: dls
            """;
    private static final String TRIGGER = """
            apiVersion: eventing.knative.dev/v1
            kind: Trigger
            metadata: {name: on-created, namespace: signup}
            spec:
              broker: test
              filter: {attributes: {type: test.created}}
              subscriber:
                ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: subscriber}
                audience: subscriber-audience
            """;
    private static final String REPLY_TRIGGER = """
            apiVersion: eventing.knative.dev/v1
            kind: Trigger
            metadata: {name: on-reply, namespace: signup}
            spec:
              broker: test
              filters: [{prefix: {type: test.reply}}]
              subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: replies}}
            """;

    private static final String POLICY = """
            apiVersion: eventing.knative.dev/v1alpha1
            kind: EventPolicy
            metadata: {name: from-producer, namespace: signup}
            spec:
              to: [{ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: test}}]
              from: [{ref: {apiVersion: sources.knative.dev/v1, kind: SinkBinding, name: producer, namespace: signup}}]
              filters: [{prefix: {type: test.}}]
            """;
    private static final LocalIssuer ISSUER = new LocalIssuer().start();

    /** A subscriber that records what it gets and answers the scripted statuses, then 200. */
    static final class Subscriber implements AutoCloseable {
        final List<Long> arrivals = new CopyOnWriteArrayList<>();
        final List<String> authorizations = new CopyOnWriteArrayList<>();
        final Deque<Integer> script = new ArrayDeque<>();
        final Map<String, String> replyHeaders;
        final HttpServer server;

        Subscriber(Map<String, String> replyHeaders, Integer... statuses) {
            this.replyHeaders = replyHeaders;
            script.addAll(List.of(statuses));
            try {
                server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                arrivals.add(System.nanoTime());
                Integer status = script.poll();
                replyHeaders.forEach(exchange.getResponseHeaders()::set);
                exchange.sendResponseHeaders(status == null ? 200 : status, -1);
                exchange.close();
            });
            server.start();
        }

        URI url() {
            return URI.create("http://localhost:" + server.getAddress().getPort() + "/");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    /** The dead-letter Service: a real HTTP server that keeps what it gets, as send-email-fn's store does. */
    private final RecordingSink deadLetters = new RecordingSink();

    private LocalBroker broker(Subscriber subscriber, Subscriber replies) {
        KnativeConfig config = KnativeConfig.parse(List.of(BROKER, TRIGGER, REPLY_TRIGGER, POLICY));
        deadLetters.start();
        open.add(deadLetters::stop);
        LocalBroker broker = new LocalBroker(config, name -> switch (name) {
            case "subscriber" -> subscriber.url();
            case "replies" -> replies.url();
            case "dead-letters" -> URI.create(deadLetters.url());
            default -> throw new IllegalArgumentException(name);
        }, ISSUER, 0);
        open.add(broker);
        return broker;
    }

    private Subscriber subscriber(Integer... statuses) {
        Subscriber subscriber = new Subscriber(Map.of(), statuses);
        open.add(subscriber);
        return subscriber;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private static CloudEvent event(String type) {
        return CloudEventBuilder.v1().withId(java.util.UUID.randomUUID().toString()).withType(type)
                .withSource(URI.create("urn:test")).withDataContentType("application/json")
                .withData("{}".getBytes()).build();
    }

    @Test
    void eachDeliveryCarriesItsTriggersIdentityForTheAudienceItsSubscriberNames() {
        Subscriber subscriber = subscriber();
        Subscriber replies = subscriber();
        LocalBroker broker = broker(subscriber, replies);

        broker.ingest(event("test.created"));
        broker.ingest(event("test.reply"));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> subscriber.arrivals.size() == 1 && replies.arrivals.size() == 1);
        String token = subscriber.authorizations.get(0).substring("Bearer ".length());
        assertEquals(Senders.trigger("on-created"), ISSUER.verifiedSubject(token, "subscriber-audience"));
        assertEquals("null", replies.authorizations.get(0), "no audience, no token, as Knative does");
    }

    @Test
    void onlyTheSendersItsEventPoliciesAdmitMayPost() throws Exception {
        LocalBroker broker = broker(subscriber(), subscriber());
        String audience = Senders.brokerAudience("test");
        String producer = Senders.sinkBinding("producer");

        assertEquals(401, post(broker, null, "test.created"), "no token");
        assertEquals(401, post(broker, "Bearer " + ISSUER.foreign().token(producer, audience), "test.created"));
        assertEquals(401, post(broker, ISSUER.bearer(producer, "another-audience"), "test.created"));
        assertEquals(403, post(broker, ISSUER.bearer(Senders.sinkBinding("stranger"), audience), "test.created"));
        assertEquals(403, post(broker, ISSUER.bearer(producer, audience), "other.created"), "outside its filters");
        assertEquals(0, broker.received().size(), "nothing refused was taken");
        assertEquals(202, post(broker, ISSUER.bearer(producer, audience), "test.created"));
        assertEquals(1, broker.received().size());
    }

    private static int post(LocalBroker broker, String authorization, String type) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(broker.url()).header("ce-specversion", "1.0")
                .header("ce-id", java.util.UUID.randomUUID().toString()).header("ce-type", type)
                .header("ce-source", "urn:test").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void anEventNoTriggerMatchesIsNotDelivered() {
        Subscriber subscriber = subscriber();
        LocalBroker broker = broker(subscriber, subscriber());
        CloudEvent matching = event("test.created");

        broker.ingest(event("test.deleted"));
        broker.ingest(matching);

        await().atMost(Duration.ofSeconds(5)).until(() -> subscriber.arrivals.size() == 1);
        assertEquals(List.of(matching.getId()), broker.deliveries().stream().map(LocalBroker.Delivery::eventId).toList());
    }

    @Test
    void a503IsRetriedWithLinearBackoffUntilItSucceeds() {
        Subscriber subscriber = subscriber(503, 503);
        LocalBroker broker = broker(subscriber, subscriber());

        broker.ingest(event("test.created"));

        await().atMost(Duration.ofSeconds(5)).until(() -> broker.deliveries().stream()
                .anyMatch(d -> d.outcome().equals("delivered")));
        assertEquals(3, subscriber.arrivals.size());
        long firstGap = subscriber.arrivals.get(1) - subscriber.arrivals.get(0);
        long secondGap = subscriber.arrivals.get(2) - subscriber.arrivals.get(1);
        assertTrue(firstGap >= Duration.ofMillis(100).toNanos(), "first retry after 0.1 s: " + firstGap);
        assertTrue(secondGap >= Duration.ofMillis(200).toNanos(), "second retry after 0.2 s: " + secondGap);
        assertTrue(deadLetters.received().isEmpty());
    }

    @Test
    void aRefusedSenderIsNotRetriedAndItsDeadLetterCarriesTheTriggersIdentity() {
        Subscriber subscriber = subscriber(401);
        LocalBroker broker = broker(subscriber, subscriber());

        broker.ingest(event("test.created"));

        await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters.received().size() == 1);
        assertEquals(1, subscriber.arrivals.size(), "a 401 is not retried");
        RecordingSink.Received dead = deadLetters.received().get(0);
        assertEquals("401", dead.header("ce-knativeerrorcode"));
        assertEquals(Senders.trigger("on-created"), ISSUER.verifiedSubject(
                dead.header("Authorization").substring("Bearer ".length()), "dls"), "for the sink's own audience");
    }

    @Test
    void a400IsNotRetriedAndGoesToTheDeadLetterSinkWithKnativesErrorExtensions() {
        Subscriber subscriber = subscriber(400);
        LocalBroker broker = broker(subscriber, subscriber());
        CloudEvent event = event("test.created");

        broker.ingest(event);

        await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters.received().size() == 1);
        assertEquals(1, subscriber.arrivals.size(), "not retried");
        RecordingSink.Received dead = deadLetters.received().get(0);
        assertEquals(event.getId(), dead.header("ce-id"));
        assertEquals("400", dead.header("ce-knativeerrorcode"));
        assertEquals(subscriber.url().toString(), dead.header("ce-knativeerrordest"));
        assertTrue(dead.headers().containsKey("ce-knativeerrordata"));
    }

    @Test
    void exhaustedRetriesEndInTheDeadLetterSink() {
        Subscriber subscriber = subscriber(503, 503, 503, 503, 503);
        LocalBroker broker = broker(subscriber, subscriber());

        broker.ingest(event("test.created"));

        await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters.received().size() == 1);
        assertEquals(4, subscriber.arrivals.size(), "the first attempt and 3 retries");
        assertEquals("503", deadLetters.received().get(0).header("ce-knativeerrorcode"));
    }

    @Test
    void aReplyEventIsRoutedAgain() {
        Subscriber replying = new Subscriber(Map.of("ce-specversion", "1.0", "ce-id", "reply-1",
                "ce-type", "test.reply.v1", "ce-source", "urn:subscriber"));
        open.add(replying);
        Subscriber replies = subscriber();
        LocalBroker broker = broker(replying, replies);

        broker.ingest(event("test.created"));

        await().atMost(Duration.ofSeconds(5)).until(() -> replies.arrivals.size() == 1);
        assertTrue(broker.received().stream().anyMatch(e -> e.getId().equals("reply-1")));
    }

    @Test
    void backoffFollowsKnativesPolicies() {
        DeliverySpec exponential = new DeliverySpec();
        exponential.setBackoffPolicy("exponential");
        exponential.setBackoffDelay("PT0.5S");
        assertEquals(List.of(500L, 1000L, 2000L, 4000L), List.of(1, 2, 3, 4).stream()
                .map(n -> Dispatcher.backoff(exponential, n).toMillis()).toList());
        DeliverySpec linear = new DeliverySpec();
        linear.setBackoffPolicy("linear");
        linear.setBackoffDelay("PT0.5S");
        assertEquals(List.of(500L, 1000L, 1500L), List.of(1, 2, 3).stream()
                .map(n -> Dispatcher.backoff(linear, n).toMillis()).toList());
    }

    @Test
    void pingSchedulesAreReadFromTheManifest() {
        assertEquals(1, PingScheduler.everyMinutes("* * * * *"));
        assertEquals(5, PingScheduler.everyMinutes("*/5 * * * *"));
        assertThrows(IllegalArgumentException.class, () -> PingScheduler.everyMinutes("0 3 * * 1"));
        KnativeConfig knative = KnativeConfig.load(java.nio.file.Path.of("..", "knative"));
        assertEquals(15, PingScheduler.everyMinutes(knative.pingSources().get(0).getSpec().getSchedule()));
    }
}
