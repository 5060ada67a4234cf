package io.signup.sendemail;

import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Events.confirmed;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.requested;
import static io.signup.sendemail.support.Events.unsubscribed;
import static io.signup.sendemail.support.Mails.header;
import static io.signup.sendemail.support.Mails.mailsTo;
import static io.signup.sendemail.support.Mails.single;
import static io.signup.sendemail.support.SendEmailTestEnvironment.DATABASE;
import static io.signup.sendemail.support.SendEmailTestEnvironment.MAIL;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.signup.contract.LinkToken;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.sendemail.support.As;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * {@code GET /events}: what the database knows about one event, found by its id, by the Message-ID of its mail or by
 * the address it concerns. The outbox rows are written here as save-email-fn's migrations define them.
 */
@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class EventTimelineTest {

    @Test
    void aMailedEventShowsItsOutboxRecordAndItsMailFoundByIdOrMessageId() {
        String email = Addresses.unique("timeline");
        String id = UUID.randomUUID().toString();
        Instant stored = Instant.now().minusSeconds(5);
        storedAndPublished(id, email, stored);

        accepted(() -> deliverBinary(SignupEvent.REQUESTED.type(), id, requested(email, "Tim")));
        String messageId = header(single(mailsTo(MAIL, email)), "Message-ID");

        JsonPath event = As.operator().get("/events/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(SignupEvent.REQUESTED.type(), event.getString("outbox.type"));
        assertEquals(1, event.getInt("outbox.failedAttempts"));
        assertEquals(202, event.getInt("outbox.brokerStatus"));
        assertEquals("broker answered 503", event.getString("outbox.lastError"));
        assertNotNull(event.getString("outbox.publishedAt"));
        assertEquals("PENDING", event.getString("outbox.subscriberStatus"));
        assertEquals("SENT", event.getString("mail.state"));
        assertEquals(messageId, event.getString("mail.messageId"));
        assertEquals(SignupEvent.SOURCE, event.getString("mail.source"));
        assertNull(event.get("deadLetter"));

        As.operator().queryParam("message-id", messageId).get("/events").then().statusCode(200).body("id", equalTo(id));

        JsonPath address = As.operator().queryParam("email", email.toUpperCase(Locale.ROOT)).get("/events")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(email, address.getString("subscriber.email"));
        assertEquals(List.of(id), address.getList("events.id"));
    }

    @Test
    void aDeadLetteredEventShowsWhyAndWhenItWasReplayed() {
        String email = Addresses.unique("timeline-dead");
        String id = UUID.randomUUID().toString();
        String data = requested(email, "Dee");
        As.trigger().header("ce-specversion", "1.0").header("ce-id", id).header("ce-type", SignupEvent.REQUESTED.type())
                .header("ce-source", SignupEvent.SOURCE).header("ce-knativeerrorcode", "503")
                .header("ce-knativeerrordest", "http://send-email-fn.signup.svc.cluster.local")
                .contentType("application/json").body(data).post("/dead-letters").then().statusCode(202);
        As.operator().get("/events/" + id).then().statusCode(200)
                .body("deadLetter.errorCode", equalTo("503")).body("deadLetter.timesSeen", equalTo(1))
                .body("deadLetter.replayedAt", nullValue()).body("mail", nullValue());

        As.operator().post("/dead-letters/replay?id=" + id).then().statusCode(200).body("replayed", equalTo(1));
        accepted(() -> deliverBinary(SignupEvent.REQUESTED.type(), id, data));

        JsonPath event = As.operator().get("/events/" + id).then().statusCode(200).extract().jsonPath();
        assertNotNull(event.getString("deadLetter.replayedAt"));
        assertEquals("SENT", event.getString("mail.state"));
        // Found by address too: the dead letter holds it, though no outbox row does.
        assertEquals(List.of(id), As.operator().queryParam("email", email)
                .get("/events").jsonPath().getList("events.id"));
    }

    @Test
    void aWelcomeNotSentAfterAnUnsubscribeIsSettledAsSuppressed() {
        String email = Addresses.unique("timeline-gone");
        Instant confirmedAt = Instant.now().minusSeconds(60);
        accepted(() -> deliverBinary(SignupEvent.UNSUBSCRIBED, unsubscribed(email, Instant.now())));
        String id = UUID.randomUUID().toString();
        String welcome = confirmed(email, "Una", LinkToken.generate(), confirmedAt);
        accepted(() -> deliverBinary(SignupEvent.CONFIRMED.type(), id, welcome));

        As.operator().get("/events/" + id).then().statusCode(200).body("mail.state", equalTo("SUPPRESSED"))
                .body("mail.suppressedBecause", equalTo("unsubscribed"));
        assertTrue(mailsTo(MAIL, email).isEmpty());
    }

    @Test
    void unknownEventsAndEmptyQuestionsGetAReason() {
        As.operator().get("/events/" + UUID.randomUUID()).then().statusCode(404)
                .body("error", startsWith("no record of event"));
        As.operator().get("/events/not-a-uuid-and-unknown").then().statusCode(404);
        As.operator().queryParam("message-id", "<nothing@signup.test>").get("/events").then().statusCode(404);
        As.operator().get("/events").then().statusCode(400);
        As.operator().post("/events/x").then().statusCode(405);
        JsonPath nobody = As.operator()
                .queryParam("email", Addresses.unique("nobody")).get("/events").then().statusCode(200)
                .extract().jsonPath();
        assertNull(nobody.get("subscriber"));
        assertEquals(List.of(), nobody.getList("events"));
    }

    /** A subscriber and its outbox record as save-email-fn leaves them: one failed attempt, then taken with a 202. */
    private static void storedAndPublished(String id, String email, Instant stored) {
        UUID subscriber = UUID.randomUUID();
        DATABASE.execute("insert into subscriber (id, email, created_at) values (?, ?, ?)", subscriber, email,
                Timestamp.from(stored));
        DATABASE.execute("""
                insert into outbox_event (id, type, subscriber_id, payload, created_at, available_at, attempts,
                                          last_error, broker_status, last_attempt_at, published_at)
                values (?, ?, ?, '{}', ?, ?, 1, 'broker answered 503', 202, ?, ?)""", UUID.fromString(id),
                SignupEvent.REQUESTED.type(), subscriber, Timestamp.from(stored), Timestamp.from(stored),
                Timestamp.from(stored.plus(Duration.ofSeconds(2))), Timestamp.from(stored.plus(Duration.ofSeconds(2))));
    }
}
