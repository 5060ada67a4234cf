package io.signup.saveemail.support;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import io.signup.contract.Senders;

/** Requests as save-email-fn's known senders make them, with a token of the test's issuer. */
public final class As {

    public static final String AUDIENCE = Senders.audience("save-email-fn");

    private As() {
    }

    /** Our PingSource's ping. */
    public static RequestSpecification pingSource() {
        return sender(Senders.pingSource("republish-outbox"));
    }

    /** An operator's call. */
    public static RequestSpecification operator() {
        return sender(Senders.operator());
    }

    public static RequestSpecification sender(String subject) {
        return given().header("Authorization", SaveEmailTestEnvironment.ISSUER.bearer(subject, AUDIENCE));
    }
}
