package io.signup.sendemail;

import static io.restassured.RestAssured.given;
import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Events.confirmed;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Mails.mailsTo;
import static io.signup.sendemail.support.Mails.single;
import static io.signup.sendemail.support.SendEmailTestEnvironment.ISSUER;
import static io.signup.sendemail.support.SendEmailTestEnvironment.MAIL;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.signup.contract.SignupEvent;
import io.signup.contract.Senders;
import io.signup.peers.Addresses;
import io.signup.peers.PrometheusText;
import io.signup.sendemail.support.As;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * Only our Triggers may deliver and only operators may maintain: a delivery whose token is missing, forged, expired,
 * addressed to another function or held by a pod that is not ours is refused with 401/403 and its reason (which
 * Knative puts in the dead letter), counted, and sends no mail.
 */
@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class KnownSendersTest {

    private static final String WELCOME = SignupEvent.CONFIRMED.type();

    static Stream<Arguments> badTokens() {
        String trigger = Senders.trigger("send-welcome-mail");
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        return Stream.of(
                Arguments.of("no token", null, 401, "missing", "no Bearer token"),
                Arguments.of("forged: signed with a key the issuer never published",
                        "Bearer " + ISSUER.foreign().token(trigger, As.AUDIENCE), 401, "signature", "signature"),
                Arguments.of("replayed from a delivery to another function",
                        ISSUER.bearer(trigger, Senders.audience("save-email-fn")), 401, "audience", "audience"),
                Arguments.of("expired an hour ago",
                        "Bearer " + ISSUER.token(trigger, As.AUDIENCE, twoHoursAgo, Duration.ofHours(1)), 401,
                        "expired", "expired"),
                Arguments.of("a valid token of a pod that is not ours",
                        ISSUER.bearer("system:serviceaccount:signup:default", As.AUDIENCE), 403, "sender",
                        "system:serviceaccount:signup:default may not call"),
                Arguments.of("an operator, who may maintain but not deliver",
                        ISSUER.bearer(Senders.operator(), As.AUDIENCE), 403, "sender", "may not call"),
                Arguments.of("not a token at all", "Bearer not.a.jwt", 401, "invalid", "not a valid token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void aDeliveryFromAnUnknownSenderIsRefusedWithItsReasonAndSendsNoMail(String what, String authorization,
            int status, String reason, String says) throws Exception {
        String email = Addresses.unique("forged");
        double refusedBefore = refused(status, reason);
        delivery(authorization, email).statusCode(status).body("error", containsString(says));

        assertEquals(refusedBefore + 1, refused(status, reason), "counted as auth_refused_total");
        // A genuine delivery sent after it is mailed; the forged one, had it got through, would be mailed by then.
        String control = Addresses.unique("control");
        accepted(() -> deliverBinary(SignupEvent.CONFIRMED, confirmed(control, null)));
        single(mailsTo(MAIL, control));
        assertTrue(mailsTo(MAIL, email).isEmpty(), "no mail to " + email);
    }

    @Test
    void eachTriggerOfOursMayDeliver() {
        for (String trigger : new String[] {"send-confirmation-mail", "send-welcome-mail", "forget-unsubscribed"}) {
            String email = Addresses.unique(trigger.substring(0, 4));
            accepted(() -> As.sender(Senders.trigger(trigger)).header("ce-specversion", "1.0")
                    .header("ce-id", UUID.randomUUID().toString()).header("ce-type", WELCOME)
                    .header("ce-source", SignupEvent.SOURCE).contentType("application/json")
                    .body(confirmed(email, null)).post("/").then());
        }
    }

    /**
     * A token once verified is taken again without verifying it (VerifiedTokens), and that must change nothing a
     * sender sees: the same stranger's token is refused each time, and the same Trigger's token stops delivering
     * when it expires.
     */
    @Test
    void aTokenVerifiedOnceIsJudgedTheSameEveryTimeUntilItExpires() {
        String stranger = ISSUER.bearer("system:serviceaccount:signup:default", As.AUDIENCE);
        for (int attempt = 0; attempt < 3; attempt++) {
            delivery(stranger, Addresses.unique("stranger")).statusCode(403)
                    .body("error", containsString("may not call"));
        }
        String shortLived = "Bearer " + ISSUER.token(Senders.trigger("send-welcome-mail"), As.AUDIENCE, Instant.now(),
                Duration.ofSeconds(3));
        String first = Addresses.unique("short");
        accepted(() -> delivery(shortLived, first));
        accepted(() -> delivery(shortLived, Addresses.unique("short")));
        single(mailsTo(MAIL, first));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> delivery(shortLived, Addresses.unique("late")).extract().statusCode() == 401);
        delivery(shortLived, Addresses.unique("late")).statusCode(401).body("error", containsString("expired"));
    }

    /** A welcome delivery for {@code email} with this Authorization header (none when null). */
    private static ValidatableResponse delivery(String authorization, String email) {
        RequestSpecification request = authorization == null ? given() : given().header("Authorization", authorization);
        return request.header("ce-specversion", "1.0")
                .header("ce-id", UUID.randomUUID().toString()).header("ce-type", WELCOME)
                .header("ce-source", SignupEvent.SOURCE).contentType("application/json")
                .body(confirmed(email, null)).post("/").then();
    }

    @Test
    void maintenanceIsForOperatorsAndTheDeadLetterSinkForTheBroker() {
        As.operator().get("/dead-letters").then().statusCode(200);
        As.trigger().get("/dead-letters").then().statusCode(403).body("error", startsWith("sender"));
        As.trigger().post("/dead-letters/replay").then().statusCode(403);
        As.trigger().queryParam("email", "a@example.com").get("/subjects").then().statusCode(403);
        As.trigger().queryParam("email", "a@example.com").post("/subjects/forget").then().statusCode(403);
        As.trigger().get("/events/" + UUID.randomUUID()).then().statusCode(403);
        given().get("/events/" + UUID.randomUUID()).then().statusCode(401).header("WWW-Authenticate", "Bearer");
        // The Broker's dead letter for a Trigger carries that Trigger's identity; an operator's post is refused.
        As.operator().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", WELCOME).header("ce-source", SignupEvent.SOURCE).contentType("application/json")
                .body("{}").post("/dead-letters").then().statusCode(403);
        given().contentType("application/json").body("{}").post("/dead-letters").then().statusCode(401)
                .body("error", startsWith("no Bearer token"));
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
    }

    private static double refused(int status, String reason) {
        return PrometheusText.sum(PrometheusText.parse(given().get("/q/metrics").asString()), "auth_refused_total",
                Map.of("status", Integer.toString(status), "reason", reason));
    }
}
