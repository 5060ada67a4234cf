package io.signup.sendemail;

import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Events.requested;
import static io.signup.sendemail.support.Mails.mailsTo;
import static io.signup.sendemail.support.Mails.single;
import static io.signup.sendemail.support.SendEmailTestEnvironment.MAIL;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.sendemail.support.As;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * send-email-fn continues the trace its event carries ({@code ce-traceparent}, the CloudEvents distributed-tracing
 * extension that save-email-fn sets), so the delivery and the SMTP send belong to the signup's trace.
 */
@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class TracePropagationTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theDeliveryAndTheSmtpSendContinueTheEventsTrace() {
        String traceId = hex(32);
        String parentSpanId = hex(16);
        String email = Addresses.unique("tracy");

        accepted(() -> deliver(email, Map.of("ce-traceparent", traceparent(traceId, parentSpanId))));

        SpanData delivery = await().atMost(Duration.ofSeconds(5))
                .until(() -> spansOf(traceId, SpanKind.SERVER), found -> !found.isEmpty()).get(0);
        assertEquals(parentSpanId, delivery.getParentSpanId(), "a child of the span that wrote the event");
        // The database calls that record the delivery are client spans too; the mail is the one named so.
        SpanData smtp = await().atMost(Duration.ofSeconds(5)).until(() -> spansOf(traceId, SpanKind.CLIENT).stream()
                .filter(span -> span.getName().equals("smtp send")).findFirst().orElse(null), found -> found != null);
        assertEquals(delivery.getSpanId(), smtp.getParentSpanId(), "the send is part of the delivery");
        single(mailsTo(MAIL, email));
    }

    @Test
    void theEventsTraceWinsOverTheLastHopsHeader() {
        String eventTraceId = hex(32);
        String hopTraceId = hex(32);
        String email = Addresses.unique("hop");

        accepted(() -> deliver(email, Map.of(
                "ce-traceparent", traceparent(eventTraceId, hex(16)),
                "traceparent", traceparent(hopTraceId, hex(16)))));

        await().atMost(Duration.ofSeconds(5)).until(() -> spansOf(eventTraceId, SpanKind.SERVER), f -> !f.isEmpty());
        assertEquals(List.of(), spansOf(hopTraceId, SpanKind.SERVER), "the Broker's hop does not start the trace");
    }

    @Test
    void withoutTheExtensionTheHttpHeaderIsContinued() {
        String traceId = hex(32);

        accepted(() -> deliver(Addresses.unique("plain"), Map.of("traceparent", traceparent(traceId, hex(16)))));

        await().atMost(Duration.ofSeconds(5)).until(() -> spansOf(traceId, SpanKind.SERVER), f -> !f.isEmpty());
    }

    private static io.restassured.response.ValidatableResponse deliver(String email, Map<String, String> tracing) {
        return As.trigger()
                .headers(tracing)
                .header("ce-specversion", "1.0")
                .header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", SignupEvent.REQUESTED.type())
                .header("ce-source", SignupEvent.SOURCE)
                .contentType(SignupEvent.DATA_CONTENT_TYPE)
                .body(requested(email, null))
                .post("/")
                .then();
    }

    private List<SpanData> spansOf(String traceId, SpanKind kind) {
        return spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId) && span.getKind() == kind)
                .toList();
    }

    private static String traceparent(String traceId, String spanId) {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    private static String hex(int length) {
        StringBuilder hex = new StringBuilder();
        while (hex.length() < length) {
            hex.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return hex.substring(0, length);
    }
}
