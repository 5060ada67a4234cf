package io.signup.sendemail;

import static io.restassured.RestAssured.given;
import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Events.confirmed;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.requested;
import static io.signup.sendemail.support.Events.unsubscribed;
import static io.signup.sendemail.support.Mails.mailsTo;
import static io.signup.sendemail.support.SendEmailTestEnvironment.DATABASE;
import static io.signup.sendemail.support.SendEmailTestEnvironment.MAIL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signup.contract.AddressKey;
import io.signup.contract.EmailAddress;
import io.signup.contract.LinkToken;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.peers.PrometheusText;
import io.signup.sendemail.service.Suppressions;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * The suppression list and the subscriber's state, as they are at send time, decide every mail, for every instance:
 * a suppressed send is a 204 with a reason and a counter, settled so that no redelivery mails it.
 */
@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class SuppressionTest {

    @Test
    void noWelcomeAfterAnUnsubscribeEvenWhenTheWelcomeArrivesFirst() {
        String email = Addresses.unique("first");
        Instant confirmedAt = Instant.now().minusSeconds(30);
        // save-email-fn already recorded the unsubscribe; its event has not arrived yet.
        subscriber(email, "UNSUBSCRIBED");
        double before = suppressed("welcome", "subscriber_unsubscribed");
        String id = UUID.randomUUID().toString();

        accepted(() -> deliverBinary(SignupEvent.CONFIRMED.type(), id, confirmed(email, "F", LinkToken.generate(),
                confirmedAt)));

        assertTrue(mailsTo(MAIL, email).isEmpty());
        assertEquals(before + 1, suppressed("welcome", "subscriber_unsubscribed"));
        assertEquals("SUPPRESSED", state(id), "settled: a redelivery changes nothing");
        accepted(() -> deliverBinary(SignupEvent.CONFIRMED.type(), id, confirmed(email, "F", LinkToken.generate(),
                confirmedAt)));
        assertTrue(mailsTo(MAIL, email).isEmpty());
    }

    @Test
    void anUnsubscribeIsKeptInPostgresAndHoldsBackOnlyWhatCameBeforeIt() {
        String email = Addresses.unique("durable");
        Instant confirmedAt = Instant.now().minusSeconds(60);
        Instant unsubscribedAt = Instant.now().minusSeconds(30);
        accepted(() -> deliverBinary(SignupEvent.UNSUBSCRIBED, unsubscribed(email, unsubscribedAt)));
        assertEquals("UNSUBSCRIBED", suppression(email).get("reason"));

        accepted(() -> deliverBinary(SignupEvent.CONFIRMED, confirmed(email, "D", LinkToken.generate(), confirmedAt)));
        assertTrue(mailsTo(MAIL, email).isEmpty(), "the late welcome is held back");

        // Signing up again after the unsubscribe is a new double opt-in: its confirmation goes out.
        accepted(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, "D")));
        assertEquals(1, mailsTo(MAIL, email).size());
    }

    @Test
    void aHardBouncedOrErasedAddressGetsNoMailAtAll() {
        for (String reason : new String[] { "HARD_BOUNCE", "ERASED", "COMPLAINT", "MANUAL" }) {
            String email = Addresses.unique("held");
            DATABASE.execute("insert into suppression (address_key, email, reason, suppressed_at) values (?, ?, ?, ?)",
                    key(email), email, reason, Timestamp.from(Instant.now().minusSeconds(3600)));
            double before = suppressed("confirmation", reason.toLowerCase());

            accepted(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null)));

            assertTrue(mailsTo(MAIL, email).isEmpty(), reason);
            assertEquals(before + 1, suppressed("confirmation", reason.toLowerCase()), reason);
        }
    }

    @Test
    void aConfirmationForASubscriberWhoConfirmedSinceIsNotSent() {
        String email = Addresses.unique("already");
        subscriber(email, "CONFIRMED");
        accepted(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null)));
        assertTrue(mailsTo(MAIL, email).isEmpty());
    }

    static String key(String email) {
        return AddressKey.of(ConfigProvider.getConfig().getValue("signup.suppression.key", String.class),
                EmailAddress.parse(email));
    }

    static Map<String, Object> suppression(String email) {
        return DATABASE.query("select * from suppression where address_key = ?", key(email)).get(0);
    }

    private static void subscriber(String email, String status) {
        DATABASE.execute("insert into subscriber (id, email, created_at, status) values (?, ?, now(), ?)",
                UUID.randomUUID(), email, status);
    }

    private static String state(String id) {
        return (String) DATABASE.query("select state from mail_delivery where event_key = ?",
                SignupEvent.SOURCE + " " + id).get(0).get("state");
    }

    static double suppressed(String kind, String cause) {
        return PrometheusText.sum(PrometheusText.parse(given().get("/q/metrics").asString()), "mails_total",
                Map.of("kind", kind, "outcome", "suppressed", "cause", cause));
    }
}
