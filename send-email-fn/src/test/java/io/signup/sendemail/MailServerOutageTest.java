package io.signup.sendemail;

import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.requested;
import static io.signup.sendemail.support.Mails.mailsTo;
import static io.signup.sendemail.support.SendEmailTestEnvironment.Outage.OUTAGE_MAIL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * The mail server failing. Runs with its own mail server and application instance, so what an outage leaves behind
 * cannot reach the other tests.
 */
@QuarkusTest
@TestProfile(MailServerOutageTest.OutageProfile.class)
@WithTestResource(SendEmailTestEnvironment.Outage.class)
class MailServerOutageTest {

    public static class OutageProfile implements QuarkusTestProfile {
        /** Only the function's own send timeout (2 s in tests) may end a hung send, not the SMTP socket timeout. */
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.mailer.timeout", "30s");
        }
    }

    @Test
    void mailServerDownIsRetryableAndTheRetriedEventIsMailedOnce() {
        String email = Addresses.unique("dana");
        String id = UUID.randomUUID().toString();
        OUTAGE_MAIL.stop();
        try {
            deliverBinary(SignupEvent.REQUESTED.type(), id, requested(email, null))
                    .statusCode(503).header("Retry-After", "10");
        } finally {
            OUTAGE_MAIL.start();
        }

        accepted(() -> deliverBinary(SignupEvent.REQUESTED.type(), id, requested(email, null)));

        assertEquals(1, mailsTo(OUTAGE_MAIL, email).size(), "the retried event is mailed exactly once");
    }

    @Test
    void aStuckMailServerCannotHoldTheFunction() throws Exception {
        String email = Addresses.unique("erik");
        OUTAGE_MAIL.stop();
        OUTAGE_MAIL.startStuck();
        try {
            long start = System.nanoTime();
            deliverBinary(SignupEvent.REQUESTED, requested(email, null)).statusCode(503);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "answered in " + took.toMillis() + " ms");
        } finally {
            OUTAGE_MAIL.stopStuck();
            OUTAGE_MAIL.start();
        }
    }
}
