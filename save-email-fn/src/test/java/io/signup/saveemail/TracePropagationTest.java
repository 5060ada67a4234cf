package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static io.signup.saveemail.support.BrokerEvents.eventsFor;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.SINK;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.peers.RecordingSink.Received;
import io.signup.saveemail.support.As;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/**
 * The trace the browser's POST starts or continues goes on in the event: W3C {@code traceparent} as the CloudEvents
 * distributed-tracing extension, also when the event is republished long after the request ended.
 */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class TracePropagationTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theIncomingTraceContinuesIntoTheEvent() {
        String traceId = randomHex(32);
        String email = "tess." + randomHex(8) + "@example.com";

        given().header("traceparent", "00-" + traceId + "-" + randomHex(16) + "-01")
                .contentType(ContentType.JSON).body(Map.of("email", email))
                .post("/saveEmail")
                .then().statusCode(200);

        Received event = eventsFor(email).get(0);
        assertEquals(traceId, traceIdOf(event.header("ce-traceparent")), "the event carries the caller's trace");
        assertEquals(traceId, traceIdOf(event.header("traceparent")), "the call to the Broker is in the same trace");
        SpanData server = await().atMost(Duration.ofSeconds(5)).until(() -> serverSpan(traceId), span -> span != null);
        assertEquals("POST /saveEmail", server.getName());
        assertEquals(spanIdOf(event.header("ce-traceparent")), server.getSpanId(),
                "the event's parent is the function's own span for the request");
    }

    @Test
    void aRepublishedEventKeepsTheTraceOfItsSignup() {
        String traceId = randomHex(32);
        String email = "ugo." + randomHex(8) + "@example.com";
        SINK.stop();
        try {
            given().header("traceparent", "00-" + traceId + "-" + randomHex(16) + "-01")
                    .contentType(ContentType.JSON).body(Map.of("email", email))
                    .post("/saveEmail")
                    .then().statusCode(200);
        } finally {
            SINK.start();
        }
        assertTrue(eventsFor(email).isEmpty());

        String pingTraceId = randomHex(32);
        As.pingSource().header("traceparent", "00-" + pingTraceId + "-" + randomHex(16) + "-01")
                .contentType(ContentType.JSON).post("/republishOutbox")
                .then().statusCode(204);

        Received event = eventsFor(email).get(0);
        assertEquals(traceId, traceIdOf(event.header("ce-traceparent")), "the signup's trace, not the ping's");
        assertNotEquals(pingTraceId, traceIdOf(event.header("ce-traceparent")));
    }

    @Test
    void withoutAnIncomingTraceTheFunctionStartsOne() {
        String email = "vic." + randomHex(8) + "@example.com";

        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/saveEmail").then().statusCode(200);

        Received event = eventsFor(email).get(0);
        String traceId = traceIdOf(event.header("ce-traceparent"));
        assertEquals(32, traceId.length());
        assertNull(event.header("ce-tracestate"), "no tracestate is invented");
        await().atMost(Duration.ofSeconds(5)).until(() -> serverSpan(traceId), span -> span != null);
    }

    private SpanData serverSpan(String traceId) {
        return spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId) && span.getKind() == SpanKind.SERVER)
                .findFirst().orElse(null);
    }

    /** traceparent is version-traceid-parentid-flags. */
    private static String traceIdOf(String traceparent) {
        return traceparent.split("-")[1];
    }

    private static String spanIdOf(String traceparent) {
        return traceparent.split("-")[2];
    }

    private static String randomHex(int length) {
        StringBuilder hex = new StringBuilder();
        while (hex.length() < length) {
            hex.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return hex.substring(0, length);
    }
}
