package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.peers.Addresses;
import io.signup.peers.PrometheusText.Sample;
import io.signup.peers.PrometheusText;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/** Health for Knative's probes, and the series an operator reads at /q/metrics, moving with what happens. */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class MonitoringTest {

    @Test
    void readinessIncludesTheDatabaseAndLivenessDependsOnNothing() {
        given().get("/q/health/ready").then().log().ifValidationFails().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("database"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.size()", equalTo(0));
    }

    @Test
    void readinessFollowsTheDatabase() {
        SaveEmailTestEnvironment.DATABASE.stop();
        try {
            given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            SaveEmailTestEnvironment.DATABASE.start();
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void signupCountersMoveByOutcomeAndReason() {
        double rejected = signups("rejected", "email_invalid");
        double accepted = signups("accepted", "none");
        double duplicate = signups("duplicate", "none");
        double published = PrometheusText.sum(metrics(), "outbox_published_total", Map.of("path", "direct"));
        String email = Addresses.unique("mia");

        post(Map.of("email", "not-an-address"), 400);
        post(Map.of("email", email), 200);
        post(Map.of("email", email), 200);

        assertEquals(rejected + 1, signups("rejected", "email_invalid"));
        assertEquals(accepted + 1, signups("accepted", "none"));
        assertEquals(duplicate + 1, signups("duplicate", "none"));
        List<Sample> metrics = metrics();
        assertEquals(published + 1, PrometheusText.sum(metrics, "outbox_published_total", Map.of("path", "direct")),
                "one confirmation request published; the repeat publishes nothing");
        assertTrue(PrometheusText.sum(metrics, "http_server_requests_seconds_bucket",
                Map.of("uri", "/saveEmail", "status", "200")) > 0, "request-time histogram per function");
    }

    private static void post(Map<String, String> body, int status) {
        given().contentType(ContentType.JSON).body(body).post("/saveEmail").then().statusCode(status);
    }

    private static double signups(String outcome, String reason) {
        return PrometheusText.sum(metrics(), "signups_total", Map.of("outcome", outcome, "reason", reason));
    }

    private static List<Sample> metrics() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }
}
