package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.DATABASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.contract.AddressKey;
import io.signup.contract.EmailAddress;
import io.signup.peers.Addresses;
import io.signup.peers.PrometheusText;
import io.signup.saveemail.support.As;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/**
 * The republish run also deletes what is past its retention (defaults: 30 days after a link expired unconfirmed, two
 * years after an unsubscribe, 30 days for a dead letter), reports it, and leaves everything younger alone.
 */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class RetentionTest {

    @Test
    void whatIsPastItsTimeIsDeletedAndReportedAndTheRestStays() {
        Instant now = Instant.now();
        UUID neverConfirmed = subscriber("PENDING", now.minus(Duration.ofDays(38)), null, null); // link expired 31 days ago
        UUID stillPending = subscriber("PENDING", now.minus(Duration.ofDays(36)), null, null); // 29 days ago
        UUID longGone = subscriber("UNSUBSCRIBED", now.minus(Duration.ofDays(800)), now.minus(Duration.ofDays(799)),
                now.minus(Duration.ofDays(731)));
        UUID recentlyGone = subscriber("UNSUBSCRIBED", now.minus(Duration.ofDays(100)), now.minus(Duration.ofDays(99)),
                now.minus(Duration.ofDays(10)));
        UUID subscribed = subscriber("CONFIRMED", now.minus(Duration.ofDays(1000)), now.minus(Duration.ofDays(999)), null);
        String longGoneEmail = email(longGone);
        String longGoneKey = AddressKey.of(ConfigProvider.getConfig().getValue("signup.suppression.key", String.class),
                EmailAddress.parse(longGoneEmail));
        DATABASE.execute("insert into suppression (address_key, email, reason, suppressed_at) values "
                + "(?, ?, 'UNSUBSCRIBED', now())", longGoneKey, longGoneEmail);
        String oldLetter = deadLetter(now.minus(Duration.ofDays(31)));
        String youngLetter = deadLetter(now.minus(Duration.ofDays(1)));
        double consentBefore = deleted("consent_records");

        As.pingSource().contentType(ContentType.JSON).body("{}").post("/republishOutbox").then().statusCode(204);

        assertEquals(0, DATABASE.count("select count(*) from subscriber where id in (?, ?)", neverConfirmed, longGone));
        assertEquals(0, DATABASE.count("select count(*) from consent_record where subscriber_id in (?, ?)",
                neverConfirmed, longGone));
        assertEquals(0, DATABASE.count("select count(*) from outbox_event where subscriber_id in (?, ?)",
                neverConfirmed, longGone));
        assertEquals(3, DATABASE.count("select count(*) from subscriber where id in (?, ?, ?)", stillPending,
                recentlyGone, subscribed));
        assertEquals(3, DATABASE.count("select count(*) from consent_record where subscriber_id in (?, ?, ?)",
                stillPending, recentlyGone, subscribed));
        assertNull(DATABASE.query("select email from suppression where address_key = ?", longGoneKey).get(0)
                .get("email"),
                "the suppression keeps its key, not the address");
        assertEquals(0, DATABASE.count("select count(*) from dead_letter where id = ?", oldLetter));
        assertEquals(1, DATABASE.count("select count(*) from dead_letter where id = ?", youngLetter));
        assertEquals(consentBefore + 2, deleted("consent_records"));
    }

    /** A subscriber created at {@code created} (link valid 7 days), with one consent record and one outbox record. */
    private static UUID subscriber(String status, Instant created, Instant confirmed, Instant unsubscribed) {
        UUID id = UUID.randomUUID();
        DATABASE.execute("""
                insert into subscriber (id, email, created_at, status, confirm_expires_at, confirmed_at, unsubscribed_at)
                values (?, ?, ?, ?, ?, ?, ?)""", id, Addresses.unique("kept"), Timestamp.from(created), status,
                Timestamp.from(created.plus(Duration.ofDays(7))), timestamp(confirmed), timestamp(unsubscribed));
        DATABASE.execute("insert into consent_record (id, subscriber_id, action, recorded_at) values (?, ?, 'SIGNUP', ?)",
                UUID.randomUUID(), id, Timestamp.from(created));
        DATABASE.execute("""
                insert into outbox_event (id, type, subscriber_id, payload, created_at, available_at, published_at)
                values (?, 'io.signup.subscription.requested.v1', ?, '{}', ?, ?, ?)""", UUID.randomUUID(), id,
                Timestamp.from(created), Timestamp.from(created), Timestamp.from(now()));
        return id;
    }

    private static String deadLetter(Instant lastSeen) {
        String id = UUID.randomUUID().toString();
        DATABASE.execute("""
                insert into dead_letter (source, id, type, event, first_seen, last_seen, times_seen)
                values ('urn:test', ?, 'io.signup.subscription.requested.v1', '{}'::jsonb, ?, ?, 1)""", id,
                Timestamp.from(lastSeen), Timestamp.from(lastSeen));
        return id;
    }

    private static String email(UUID subscriber) {
        return (String) DATABASE.query("select email from subscriber where id = ?", subscriber).get(0).get("email");
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant now() {
        return Instant.now();
    }

    private static double deleted(String what) {
        return PrometheusText.sum(PrometheusText.parse(given().get("/q/metrics").asString()),
                "retention_deleted_total", Map.of("what", what));
    }
}
