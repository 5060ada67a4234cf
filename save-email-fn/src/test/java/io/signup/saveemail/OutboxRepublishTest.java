package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static io.signup.saveemail.support.BrokerEvents.eventsFor;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.DATABASE;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.SINK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.saveemail.function.SaveEmailFunctions;
import io.signup.saveemail.support.As;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/** No event is lost: what the Broker did not take is published later by republishOutbox, exactly once. */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class OutboxRepublishTest {

    @Test
    void brokerDownStillAcceptsTheSignupAndTheRepublishDeliversItExactlyOnce() {
        String email = Addresses.unique("dora");
        SINK.stop();
        try {
            given().contentType(ContentType.JSON).body(Map.of("email", email))
                    .post("/saveEmail")
                    .then().statusCode(200);
        } finally {
            SINK.start();
        }
        Map<String, Object> pending = outboxRecordFor(email);
        assertNull(pending.get("published_at"), "still pending");
        assertEquals(1, pending.get("attempts"));
        assertNotNull(pending.get("last_error"));
        assertEquals(0, pending.get("broker_status"), "no answer from a stopped Broker");
        assertNotNull(pending.get("last_attempt_at"));
        assertEquals(0, eventsFor(email).size());

        republishOverPlainHttp();

        assertEquals(1, eventsFor(email).size(), "delivered by the republish");
        assertEquals(pending.get("id").toString(), eventsFor(email).get(0).header("ce-id"));
        assertNotNull(outboxRecordFor(email).get("published_at"));
        assertEquals(202, outboxRecordFor(email).get("broker_status"), "the Broker's answer, for the timeline");

        republishOverPlainHttp();
        assertEquals(1, eventsFor(email).size(), "published records are not sent again");
    }

    @Test
    void anEventWhosePublisherDiedIsRepublishedWithItsIdOnceTheLeaseEnds() {
        String email = Addresses.unique("erin");
        UUID eventId = insertPendingEvent(email, Instant.now().minusSeconds(1));

        republishAs(request -> request.header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", SaveEmailFunctions.PING_EVENT_TYPE)
                .header("ce-source", "/apis/v1/namespaces/signup/pingsources/republish-outbox")
                .contentType(ContentType.JSON).body("{\"reason\":\"schedule\"}"));

        assertEquals(1, eventsFor(email).size());
        assertEquals(eventId.toString(), eventsFor(email).get(0).header("ce-id"), "same id as first written");
    }

    @Test
    void aRecordStillLeasedByItsPublisherIsLeftAlone() {
        String email = Addresses.unique("fred");
        insertPendingEvent(email, Instant.now().plusSeconds(60));

        republishOverPlainHttp();

        assertEquals(0, eventsFor(email).size(), "an in-flight publish is not raced");
        assertNull(outboxRecordFor(email).get("published_at"));
    }

    @Test
    void republishAcceptsAStructuredCloudEvent() {
        String email = Addresses.unique("gina");
        insertPendingEvent(email, Instant.now().minusSeconds(1));

        republishAs(request -> request.contentType("application/cloudevents+json").body("""
                {"specversion":"1.0","id":"%s","type":"%s","source":"urn:test",
                 "datacontenttype":"application/json","data":{"reason":"schedule"}}"""
                .formatted(UUID.randomUUID(), SaveEmailFunctions.PING_EVENT_TYPE)));

        assertEquals(1, eventsFor(email).size());
    }

    /** As an operator or a scheduler would: with no body, and with a JSON one (like the PingSource's data). */
    private static void republishOverPlainHttp() {
        As.operator().contentType(ContentType.JSON).post("/republishOutbox").then().statusCode(204);
        As.pingSource().contentType(ContentType.JSON).body("{}").post("/republishOutbox").then().statusCode(204);
    }

    /** Posts to "/", where Knative delivers a PingSource's event; no reply event comes back. */
    private static void republishAs(Consumer<io.restassured.specification.RequestSpecification> event) {
        var request = As.pingSource();
        event.accept(request);
        var response = request.post("/").then().statusCode(204).extract();
        assertNull(response.header("ce-type"), "no reply event");
    }

    /** What a crash between commit and publish leaves behind: a subscriber and its unpublished event. */
    private static UUID insertPendingEvent(String email, Instant availableAt) {
        UUID subscriberId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        Timestamp now = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
        DATABASE.execute("insert into subscriber (id, email, created_at) values (?, ?, ?)", subscriberId, email, now);
        DATABASE.execute("""
                insert into outbox_event (id, type, subscriber_id, payload, created_at, available_at)
                values (?, ?, ?, ?, ?, ?)""", eventId, SignupEvent.UNSUBSCRIBED.type(), subscriberId,
                "{\"email\":\"" + email + "\",\"unsubscribedAt\":\"" + now.toInstant() + "\"}",
                now, Timestamp.from(availableAt));
        return eventId;
    }

    private static Map<String, Object> outboxRecordFor(String email) {
        return DATABASE.query("""
                select o.* from outbox_event o join subscriber s on s.id = o.subscriber_id
                where s.email = ?""", email).get(0);
    }

    @Test
    void aRecordTheBrokerRefusesForGoodIsSetAsideAndDoesNotBlockYoungerOnes() {
        String poison = Addresses.unique("poison");
        String younger = Addresses.unique("young");
        UUID poisonId = insertPendingEvent(poison, Instant.now().minusSeconds(10));
        insertPendingEvent(younger, Instant.now().minusSeconds(5));
        SINK.answer(request -> poisonId.toString().equals(request.header("ce-id")), 400);

        republishOverPlainHttp();

        assertEquals(1, eventsFor(younger).size(), "the younger record went out");
        Map<String, Object> setAside = outboxRecordFor(poison);
        assertNotNull(setAside.get("dead_at"), "set aside");
        assertNull(setAside.get("published_at"));
        assertTrue(setAside.get("last_error").toString().contains("400"), setAside.get("last_error").toString());
        assertEquals(400, setAside.get("broker_status"));
        republishOverPlainHttp();
        assertEquals(1, (int) outboxRecordFor(poison).get("attempts"), "a set-aside record is not tried again");
    }

    @Test
    void aRecordPastTheAttemptCapIsSetAside() {
        String email = Addresses.unique("capped");
        UUID id = insertPendingEvent(email, Instant.now().minusSeconds(1));
        DATABASE.execute("update outbox_event set attempts = 59 where id = ?", id);
        SINK.answer(request -> id.toString().equals(request.header("ce-id")), 503);

        republishOverPlainHttp();

        Map<String, Object> record = outboxRecordFor(email);
        assertNotNull(record.get("dead_at"));
        assertEquals(60, record.get("attempts"));
    }

    @Test
    void aBacklogLargerThanABatchDrainsInOneRun() {
        List<String> emails = IntStream.range(0, 250).mapToObj(i -> Addresses.unique("backlog" + i)).toList();
        emails.forEach(email -> insertPendingEvent(email, Instant.now().minusSeconds(1)));

        republishOverPlainHttp();

        assertEquals(0, emails.stream().filter(email -> eventsFor(email).isEmpty()).count(),
                "250 records with a batch size of 100");
    }

    @Test
    void publishedRecordsArePrunedAfterTheRetention() {
        String old = Addresses.unique("old");
        String recent = Addresses.unique("recent");
        insertPendingEvent(old, Instant.now().minusSeconds(1));
        insertPendingEvent(recent, Instant.now().minusSeconds(1));
        DATABASE.execute("""
                update outbox_event set published_at = now() - interval '8 days'
                where subscriber_id = (select id from subscriber where email = ?)""", old);
        DATABASE.execute("""
                update outbox_event set published_at = now() - interval '6 days'
                where subscriber_id = (select id from subscriber where email = ?)""", recent);

        republishOverPlainHttp();

        assertEquals(0, DATABASE.count("""
                select count(*) from outbox_event o join subscriber s on s.id = o.subscriber_id where s.email = ?""", old));
        assertEquals(1, DATABASE.count("""
                select count(*) from outbox_event o join subscriber s on s.id = o.subscriber_id where s.email = ?""",
                recent));
    }
}
