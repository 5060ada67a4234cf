package io.signup.sendemail.support;

import static io.restassured.RestAssured.given;

import java.time.Instant;
import java.util.UUID;

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
}
