package io.signup.sendemail;

import static io.restassured.RestAssured.given;
import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.requested;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.peers.PrometheusText;
import io.signup.sendemail.support.SendEmailTestEnvironment;

@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class MonitoringTest {

    @Test
    void probesAnswer() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void mailCountersMoveByOutcomeAndCause() {
        double sent = mails("sent", "none");
        double duplicate = mails("duplicate", "none");
        double invalid = mails("rejected", "invalid_data");
        double refused = PrometheusText.sum(metrics(), "cloudevents_refused_total", Map.of());
        String id = UUID.randomUUID().toString();
        String event = requested(Addresses.unique("mia"), null);

        accepted(() -> deliverBinary(SignupEvent.REQUESTED.type(), id, event));
        deliverBinary(SignupEvent.REQUESTED.type(), id, event).statusCode(204);
        deliverBinary(SignupEvent.REQUESTED, requested("not-an-address", null)).statusCode(400);
        deliverBinary("io.signup.other.v1", UUID.randomUUID().toString(), event).statusCode(400);

        assertEquals(sent + 1, mails("sent", "none"));
        assertEquals(duplicate + 1, mails("duplicate", "none"));
        assertEquals(invalid + 1, mails("rejected", "invalid_data"));
        assertEquals(refused + 1, PrometheusText.sum(metrics(), "cloudevents_refused_total", Map.of()),
                "a foreign type is refused before any function runs");
    }

    private static double mails(String outcome, String cause) {
        return PrometheusText.sum(metrics(), "mails_total", Map.of("kind", "confirmation", "outcome", outcome,
                "cause", cause));
    }

    private static java.util.List<PrometheusText.Sample> metrics() {
        return PrometheusText.parse(given().get("/q/metrics").asString());
    }
}
