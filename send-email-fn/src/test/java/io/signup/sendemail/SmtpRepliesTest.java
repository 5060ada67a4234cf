package io.signup.sendemail;

import static io.restassured.RestAssured.given;
import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Events.answer;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.requested;
import static io.signup.sendemail.support.SendEmailTestEnvironment.DATABASE;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.peers.PrometheusText;
import io.signup.peers.ScriptedSmtpServer;
import io.signup.sendemail.support.As;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * What the mail server says decides what the Broker does: a recipient refused for good is poison (400, not retried,
 * the reply goes to the dead letters), anything that may pass later is 503, and a refused login is retried and loud.
 */
@QuarkusTest
@WithTestResource(SmtpRepliesTest.Scripted.class)
class SmtpRepliesTest {

    static final ScriptedSmtpServer SMTP = new ScriptedSmtpServer();

    public static class Scripted implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(SendEmailTestEnvironment.database());
            config.putAll(SendEmailTestEnvironment.ISSUER.config(As.AUDIENCE));
            config.putAll(Map.of("quarkus.mailer.host", "localhost", "quarkus.mailer.port",
                    Integer.toString(SMTP.port()), "quarkus.mailer.start-tls", "DISABLED",
                    "signup.mail.send-timeout", "10s",
                    // A connection per mail: each case meets the script fresh, not a session an earlier refusal ended.
                    "quarkus.mailer.keep-alive", "false"));
            return config;
        }

        @Override
        public void stop() {
            SMTP.close();
        }
    }

    @AfterEach
    void friendlyAgain() {
        SMTP.replyToMailFrom(null);
    }

    @Test
    void aRecipientRefusedForGoodIsPoisonWithTheServersReply() {
        String email = Addresses.unique("gone");
        SMTP.replyToRecipient(email, "550 5.1.1 <" + email + ">: Recipient address rejected: User unknown");
        double before = mails("rejected", "smtp_recipient_refused");

        answer(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null))).response().then().statusCode(400)
                .body("error", containsString("550 5.1.1"))
                .body("error", containsString("User unknown"));

        assertEquals(0, SMTP.acceptedFor(email).size());
        assertEquals(before + 1, mails("rejected", "smtp_recipient_refused"));

        // A hard bounce: the address is suppressed, and the next mail to it is not even tried.
        Map<String, Object> suppression = SuppressionTest.suppression(email);
        assertEquals("HARD_BOUNCE", suppression.get("reason"));
        assertTrue(((String) suppression.get("detail")).startsWith("550 5.1.1"), (String) suppression.get("detail"));
        SMTP.replyToRecipient(email, "250 2.1.5 Ok");
        accepted(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null)));
        assertEquals(0, SMTP.acceptedFor(email).size());
    }

    @Test
    void enoughSoftBouncesWithinTheWindowSuppressTheAddressAndARetryCountsOnce() {
        String email = Addresses.unique("full");
        SMTP.replyToRecipient(email, "452 4.2.2 Mailbox over quota");
        String retried = UUID.randomUUID().toString();
        String data = requested(email, null);
        for (int attempt = 0; attempt < 3; attempt++) {
            // Not mailed, retry later: 503 for the 452, or 409 while a send that outlived the send timeout is open.
            int status = deliverBinary(SignupEvent.REQUESTED.type(), retried, data).extract().statusCode();
            assertTrue(status == 503 || status == 409, "status " + status);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> DATABASE.count(
                "select count(*) from mail_delivery where event_key = ?", SignupEvent.SOURCE + " " + retried) == 0);
        assertEquals(1, DATABASE.count("select count(*) from soft_bounce where address_key = ?",
                SuppressionTest.key(email)), "one event retried is one soft bounce");
        assertEquals(0, DATABASE.count("select count(*) from suppression where address_key = ?",
                SuppressionTest.key(email)));

        answer(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null))).response().then().statusCode(503);
        SMTP.replyToRecipient(email, "552 5.2.2 Mailbox full");
        answer(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null))).response().then().statusCode(400);

        Map<String, Object> suppression = SuppressionTest.suppression(email);
        assertEquals("HARD_BOUNCE", suppression.get("reason"));
        assertTrue(((String) suppression.get("detail")).startsWith("3 soft bounces within"),
                (String) suppression.get("detail"));
        SMTP.replyToRecipient(email, "250 2.1.5 Ok");
        accepted(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null)));
        assertEquals(0, SMTP.acceptedFor(email).size(), "suppressed: not tried");
    }

    @Test
    void eachPermanentRecipientRefusalIsPoison() {
        for (String code : new String[] { "551 5.1.6 User has moved", "552 5.2.2 Mailbox full",
                "553 5.1.3 Bad destination mailbox address syntax" }) {
            String email = Addresses.unique("perm");
            SMTP.replyToRecipient(email, code);
            answer(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null))).response().then()
                    .statusCode(400).body("error", containsString(code.substring(0, 3)));
        }
    }

    @Test
    void aRecipientRefusedForNowIsRetried() {
        String email = Addresses.unique("later");
        SMTP.replyToRecipient(email, "451 4.7.1 Greylisted, try again later");

        answer(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null))).response().then().statusCode(503)
                .header("Retry-After", "10");

        SMTP.replyToRecipient(email, "250 2.1.5 Ok");
        accepted(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null)));
        assertEquals(1, SMTP.acceptedFor(email).size());
    }

    @Test
    void aRefusedLoginIsRetriedAndCounted() {
        double before = mails("failed", "smtp_authentication");
        SMTP.replyToMailFrom("530 5.7.0 Authentication required");

        answer(() -> deliverBinary(SignupEvent.REQUESTED, requested(Addresses.unique("auth"), null))).response().then()
                .statusCode(503);

        assertEquals(before + 1, mails("failed", "smtp_authentication"));
    }

    private static double mails(String outcome, String cause) {
        return PrometheusText.sum(PrometheusText.parse(given().get("/q/metrics").asString()), "mails_total",
                Map.of("outcome", outcome, "cause", cause));
    }
}
