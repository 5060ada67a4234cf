package io.signup.sendemail.support;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import io.signup.contract.Senders;

/** Requests as each of send-email-fn's known senders makes them, with a token of the test's issuer. */
public final class As {

    public static final String AUDIENCE = Senders.audience("send-email-fn");

    private As() {
    }

    /** A Trigger's delivery (or the dead letter the Broker sends for it). */
    public static RequestSpecification trigger() {
        return sender(Senders.trigger("send-confirmation-mail"));
    }

    /** An operator's maintenance call. */
    public static RequestSpecification operator() {
        return sender(Senders.operator());
    }

    /** {@code subject}'s request, with a fresh token for this function's audience. */
    public static RequestSpecification sender(String subject) {
        return given().header("Authorization", SendEmailTestEnvironment.ISSUER.bearer(subject, AUDIENCE));
    }
}
