package io.signup.sendemail.support;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.signup.contract.LinkToken;
import io.signup.contract.SignupEvent;

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
        return given()
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

    /** A delivery that must succeed the first time: 204, and the response for a look at its (empty) body. */
    public static ExtractableResponse<Response> accepted(ValidatableResponse delivery) {
        return delivery.statusCode(204).extract();
    }
}
