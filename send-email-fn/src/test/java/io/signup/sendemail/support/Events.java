package io.signup.sendemail.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.signup.contract.SubscriptionCreated;

/** Delivers events to the function the way a Knative Trigger does: {@code POST /}, binary or structured mode. */
public final class Events {

    private Events() {
    }

    public static String data(String email, String name) {
        return "{\"email\":\"" + email + "\",\"name\":" + (name == null ? "null" : "\"" + name + "\"")
                + ",\"subscribedAt\":\"" + Instant.now() + "\"}";
    }

    public static ValidatableResponse deliverBinary(String type, String id, String data) {
        return given()
                .header("ce-specversion", "1.0")
                .header("ce-id", id)
                .header("ce-type", type)
                .header("ce-source", SubscriptionCreated.SOURCE)
                .contentType("application/json")
                .body(data)
                .post("/")
                .then();
    }

    public static ValidatableResponse deliverBinary(String data) {
        return deliverBinary(SubscriptionCreated.TYPE, UUID.randomUUID().toString(), data);
    }

    /**
     * Delivers as the Broker does: again after a 503, until the function accepts the event. A send to the test SMTP
     * server occasionally times out and is answered 503 (see the README); the Broker's retry delivers it then.
     *
     * @return the accepting (204) response
     */
    public static ExtractableResponse<Response> untilAccepted(Supplier<ValidatableResponse> delivery) {
        List<ExtractableResponse<Response>> accepted = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ExtractableResponse<Response> response = delivery.get().extract();
            if (response.statusCode() != 204 && response.statusCode() != 503) {
                throw new AssertionError("expected 204, or a 503 to retry; got " + response.statusCode());
            }
            if (response.statusCode() == 204) {
                accepted.add(response);
            }
            return !accepted.isEmpty();
        });
        return accepted.get(0);
    }
}
