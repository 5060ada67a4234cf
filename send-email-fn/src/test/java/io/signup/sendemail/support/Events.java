package io.signup.sendemail.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.signup.contract.LinkToken;
import io.signup.contract.SignupEvent;
import io.signup.peers.PrometheusText;

/** Delivers events to the function the way a Knative Trigger does: {@code POST /}, binary or structured mode. */
public final class Events {

    private Events() {
    }

    /** Data of a confirmation request for {@code email} with {@code token}. */
    public static String requested(String email, String name, String token) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return "{\"email\":\"" + email + "\",\"name\":" + quoted(name) + ",\"confirmToken\":\"" + token
                + "\",\"expiresAt\":\"" + now.plus(Duration.ofDays(7)) + "\",\"requestedAt\":\"" + now + "\"}";
    }

    public static String requested(String email, String name) {
        return requested(email, name, LinkToken.generate());
    }

    /** Data of a confirmation for {@code email}, unsubscribing with {@code token}, confirmed at {@code at}. */
    public static String confirmed(String email, String name, String token, Instant at) {
        return "{\"email\":\"" + email + "\",\"name\":" + quoted(name) + ",\"unsubscribeToken\":\"" + token
                + "\",\"confirmedAt\":\"" + at + "\"}";
    }

    public static String confirmed(String email, String name) {
        return confirmed(email, name, LinkToken.generate(), Instant.now());
    }

    public static String unsubscribed(String email, Instant at) {
        return "{\"email\":\"" + email + "\",\"unsubscribedAt\":\"" + at + "\"}";
    }

    private static String quoted(String text) {
        return text == null ? "null" : "\"" + text + "\"";
    }

    public static ValidatableResponse deliverBinary(String type, String id, String data) {
        return As.trigger()
                .header("ce-specversion", "1.0")
                .header("ce-id", id)
                .header("ce-type", type)
                .header("ce-source", SignupEvent.SOURCE)
                .contentType("application/json")
                .body(data)
                .post("/")
                .then();
    }

    public static ValidatableResponse deliverBinary(SignupEvent type, String data) {
        return deliverBinary(type.type(), UUID.randomUUID().toString(), data);
    }

    /**
     * The function's answer to a delivery, delivered again as the Broker would only while the answer comes from the
     * SMTP server not answering within the send timeout (a new {@code mails_total{cause="smtp_timeout"}}, then 409s
     * while that send is still open): on this platform a fresh SMTP connection to a local test server now and then
     * waits that long. Any other answer, a 503 included, is returned as it came.
     */
    public static ExtractableResponse<Response> answer(Supplier<ValidatableResponse> delivery) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(45));
        double timeouts = smtpTimeouts();
        boolean earlierTimeout = false;
        while (true) {
            ExtractableResponse<Response> response = delivery.get().extract();
            double now = smtpTimeouts();
            boolean thisTimedOut = now > timeouts;
            timeouts = now;
            // Only the timed-out send itself (503) or its claim still held (409) is delivered again.
            boolean lateOutcomePending = (thisTimedOut && response.statusCode() == 503)
                    || (earlierTimeout && response.statusCode() == 409);
            earlierTimeout |= thisTimedOut;
            if (!lateOutcomePending || Instant.now().isAfter(deadline)) {
                return response;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return response;
            }
        }
    }

    /** A delivery that must end in a mail: 204 (after {@link #answer}), and the response for its (empty) body. */
    public static ExtractableResponse<Response> accepted(Supplier<ValidatableResponse> delivery) {
        ExtractableResponse<Response> response = answer(delivery);
        assertEquals(204, response.statusCode(), response.asString());
        return response;
    }

    private static double smtpTimeouts() {
        return PrometheusText.sum(PrometheusText.parse(given().get("/q/metrics").asString()), "mails_total",
                Map.of("cause", "smtp_timeout"));
    }
}
