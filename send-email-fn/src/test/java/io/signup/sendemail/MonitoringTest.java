package io.signup.sendemail;

import static io.restassured.RestAssured.given;
import static io.signup.sendemail.support.Events.data;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.untilAccepted;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signup.contract.SubscriptionCreated;
import io.signup.sendemail.support.SendEmailTestEnvironment;
import io.signup.testing.PrometheusText;

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
        double wrongType = mails("rejected", "wrong_type");
        String id = UUID.randomUUID().toString();
        String event = data("mia." + UUID.randomUUID().toString().substring(0, 8) + "@example.com", null);

        untilAccepted(() -> deliverBinary(SubscriptionCreated.TYPE, id, event));
        deliverBinary(SubscriptionCreated.TYPE, id, event).statusCode(204);
        deliverBinary("io.signup.other.v1", UUID.randomUUID().toString(), event).statusCode(400);

        assertEquals(sent + 1, mails("sent", "none"));
        assertEquals(duplicate + 1, mails("duplicate", "none"));
        assertEquals(wrongType + 1, mails("rejected", "wrong_type"));
    }

    private static double mails(String outcome, String cause) {
        return PrometheusText.sum(PrometheusText.parse(given().get("/q/metrics").asString()), "welcome_mails_total",
                Map.of("outcome", outcome, "cause", cause));
    }
}
