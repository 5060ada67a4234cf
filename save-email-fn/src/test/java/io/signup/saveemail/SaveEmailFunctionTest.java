package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static io.signup.saveemail.support.BrokerEvents.data;
import static io.signup.saveemail.support.BrokerEvents.eventsFor;
import static io.signup.saveemail.support.BrokerEvents.single;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.DATABASE;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.contract.EventSchemas;
import io.signup.contract.LinkToken;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.peers.RecordingSink.Received;
import io.signup.saveemail.support.As;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/** A signup stores a pending subscription with its consent record and asks for one confirmation mail. */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class SaveEmailFunctionTest {

    /**
     * Counted by Postgres: BEGIN, the signup's one statement, COMMIT. Each publish mark rides in the next signup's
     * statement; the last one (and any that waited longer than the mark delay for a signup) is written on its own.
     */
    @Test
    void aNewSignupCostsThreeRoundTripsToPostgresWithItsPublishMarkInTheNextSignupsStatement() {
        int signups = 20;
        String run = Addresses.uniqueLocalPart("trip");
        DATABASE.resetStatementCounts();
        for (int i = 0; i < signups; i++) {
            given().contentType(ContentType.JSON).body(Map.of("email", run + "-" + i + "@example.com"))
                    .post("/saveEmail").then().statusCode(200);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> DATABASE.statementCounts().keySet().stream()
                .anyMatch(statement -> statement.startsWith("update outbox_event o set published_at")));
        Map<String, Long> counts = DATABASE.statementCounts();
        assertEquals(signups, counts.get("BEGIN"), counts.toString());
        assertEquals(signups, counts.get("COMMIT"), counts.toString());
        assertEquals(signups, counts.entrySet().stream().filter(entry -> entry.getKey().startsWith("with hits as"))
                .mapToLong(Map.Entry::getValue).sum(), "one statement per signup: " + counts);
        long ownMarks = counts.entrySet().stream()
                .filter(entry -> entry.getKey().startsWith("update outbox_event o set published_at"))
                .mapToLong(Map.Entry::getValue).sum();
        assertTrue(ownMarks <= signups / 4, "marks written on their own: " + counts);
        assertEquals(3 * signups + ownMarks, counts.values().stream().mapToLong(Long::longValue).sum(),
                "nothing else: " + counts);
        assertEquals(signups, DATABASE.count("""
                select count(*) from outbox_event o join subscriber s on s.id = o.subscriber_id
                where s.email like ? and o.published_at is not null and o.broker_status = 202""", run + "-%"),
                "every event is marked published, with the Broker's answer");
    }

    @Test
    void newSignupIsPendingWithAConsentRecordAndAnnouncedOnceAsAConfirmationRequest() {
        String local = Addresses.uniqueLocalPart("Ann");

        given().contentType(ContentType.JSON).header("User-Agent", "TestBrowser/1.0")
                .header("X-Forwarded-For", "203.0.113.9")
                .body(Map.of("email", "  " + local + "@Example.COM ", "name", "Ann Lee", "consentVersion", "page-v7"))
                .post("/saveEmail")
                .then().statusCode(200).contentType(ContentType.JSON).body("status", equalTo("accepted"));

        String email = local + "@example.com";
        List<Map<String, Object>> rows = DATABASE.query("select * from subscriber where email = ?", email);
        assertEquals(1, rows.size(), "one subscriber row with the canonical address");
        Map<String, Object> subscriber = rows.get(0);
        assertEquals("Ann Lee", subscriber.get("name"));
        assertEquals("PENDING", subscriber.get("status"));
        Map<String, Object> consent = DATABASE.query("select * from consent_record where subscriber_id = ?",
                subscriber.get("id")).get(0);
        assertEquals("SIGNUP", consent.get("action"));
        assertEquals("page-v7", consent.get("consent_version"));
        assertEquals("203.0.113.9", consent.get("client_address"), "forwarded by a trusted proxy (loopback)");
        assertEquals("TestBrowser/1.0", consent.get("user_agent"));
        assertNotNull(consent.get("recorded_at"));
        Map<String, Object> outbox = DATABASE.query(
                "select * from outbox_event where subscriber_id = ?", subscriber.get("id")).get(0);
        // The mark is written by the next signup's statement, or on its own after the mark delay.
        await().atMost(Duration.ofSeconds(5)).until(() -> DATABASE.count(
                "select count(*) from outbox_event where id = ? and published_at is not null", outbox.get("id")) == 1);
        assertEquals(202, DATABASE.query("select broker_status from outbox_event where id = ?", outbox.get("id"))
                .get(0).get("broker_status"), "with the Broker's answer");

        assertEquals(1, eventsFor(email).size(), "exactly one event at the Broker");
        Received event = single(email, SignupEvent.REQUESTED);
        assertEquals("1.0", event.header("ce-specversion"));
        assertEquals(SignupEvent.SOURCE, event.header("ce-source"));
        assertEquals(SignupEvent.REQUESTED.dataSchema().toString(), event.header("ce-dataschema"));
        assertEquals(outbox.get("id").toString(), event.header("ce-id"), "the event id is the outbox id");
        assertNotNull(event.header("ce-time"));
        assertTrue(event.header("content-type").startsWith(SignupEvent.DATA_CONTENT_TYPE));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.REQUESTED, event.body()));
        assertEquals("Ann Lee", data(event).get("name").asText());

        String token = data(event).get("confirmToken").asText();
        assertEquals(LinkToken.hash(token), subscriber.get("confirm_token_hash"), "only the hash is stored");
        assertFalse(DATABASE.query("select * from subscriber where id = ?", subscriber.get("id")).toString()
                .contains(token), "the token itself is nowhere in the subscriber row");
        Duration ttl = Duration.between(OffsetDateTime.parse(data(event).get("requestedAt").asText()),
                OffsetDateTime.parse(data(event).get("expiresAt").asText()));
        assertEquals(Duration.ofDays(7), ttl, "default link lifetime");
    }

    @Test
    void aDomainIsStoredAndAnnouncedInItsAsciiForm() {
        String local = Addresses.uniqueLocalPart("idn");
        given().contentType(ContentType.JSON).body(Map.of("email", local + "@bücher.example"))
                .post("/saveEmail").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("email", local + "@xn--bcher-kva.example"))
                .post("/saveEmail").then().statusCode(200);

        String canonical = local + "@xn--bcher-kva.example";
        assertEquals(1, DATABASE.count("select count(*) from subscriber where email = ?", canonical),
                "one subscriber for both spellings");
        assertEquals(canonical, data(single(canonical, SignupEvent.REQUESTED)).get("email").asText());
    }

    @Test
    void aPendingAddressSignedUpAgainGetsNoSecondMailWithinTheResendWindow() {
        String local = Addresses.uniqueLocalPart("bob");
        String first = given().contentType(ContentType.JSON).body(Map.of("email", local + "@example.com"))
                .post("/saveEmail").then().statusCode(200).extract().asString();

        String second = given().contentType(ContentType.JSON)
                .body(Map.of("email", "\t" + local.toUpperCase() + "@EXAMPLE.com  "))
                .post("/saveEmail").then().statusCode(200).extract().asString();

        assertEquals(first, second, "a repeat looks exactly like a new signup");
        assertEquals(1, DATABASE.count("select count(*) from subscriber where lower(email) = lower(?)",
                local + "@example.com"));
        // The publish completes before the function answers, so a second event would already be here.
        assertEquals(1, eventsFor(local + "@example.com").size());
    }

    @Test
    void afterTheResendWindowASignupSendsANewConfirmationWhoseTokenReplacesTheOld() {
        String email = Addresses.unique("rex");
        signUp(email);
        String firstToken = data(single(email, SignupEvent.REQUESTED)).get("confirmToken").asText();
        DATABASE.execute("update subscriber set confirmation_sent_at = confirmation_sent_at - interval '25 hours'"
                + " where email = ?", email);

        signUp(email);
        signUp(email);

        List<Received> requests = eventsFor(email, SignupEvent.REQUESTED);
        assertEquals(2, requests.size(), "one more confirmation, not two: the window starts again");
        String secondToken = data(requests.get(1)).get("confirmToken").asText();
        assertNotEquals(firstToken, secondToken);
        assertEquals(LinkToken.hash(secondToken),
                DATABASE.query("select confirm_token_hash from subscriber where email = ?", email).get(0)
                        .get("confirm_token_hash"));
        assertEquals(2, DATABASE.count("select count(*) from consent_record c join subscriber s"
                + " on s.id = c.subscriber_id where s.email = ? and c.action = 'SIGNUP'", email));
    }

    @Test
    void aConfirmedAddressSignedUpAgainGetsNoMail() {
        String email = Addresses.unique("conf");
        signUp(email);
        DATABASE.execute("update subscriber set status = 'CONFIRMED', confirmation_sent_at = now() - interval '30 days'"
                + " where email = ?", email);

        signUp(email);

        assertEquals(1, eventsFor(email).size(), "only the first confirmation request");
    }

    @Test
    void theSameAddressSignedUpManyTimesAtOnceIsStoredAndAnnouncedOnce() {
        String email = Addresses.unique("cleo");

        List<Integer> statuses = IntStream.range(0, 8).parallel()
                .mapToObj(i -> given().contentType(ContentType.JSON).body(Map.of("email", email))
                        .post("/saveEmail").statusCode())
                .toList();

        assertEquals(Collections.nCopies(8, 200), statuses);
        assertEquals(1, DATABASE.count("select count(*) from subscriber where email = ?", email));
        assertEquals(1, DATABASE.count("select count(*) from outbox_event o join subscriber s"
                + " on s.id = o.subscriber_id where s.email = ?", email));
        assertEquals(1, eventsFor(email).size());
    }

    @Test
    void aFilledHoneypotLooksAcceptedButStoresAndAnnouncesNothing() {
        String email = Addresses.unique("bot");
        given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "website", "https://spam.example"))
                .post("/saveEmail")
                .then().statusCode(200).body("status", equalTo("accepted"));

        assertEquals(0, DATABASE.count("select count(*) from subscriber where email = ?", email));
        assertTrue(eventsFor(email).isEmpty());
    }

    @Test
    void aSignupSentAsACloudEventIsRefusedWithoutAReplyEvent() {
        String email = Addresses.unique("carol");
        for (String path : List.of("/", "/saveEmail")) {
            // Even from a sender that may post to "/": a signup never comes as an event.
            As.pingSource().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                    .header("ce-type", "saveEmail").header("ce-source", "urn:test")
                    .contentType(ContentType.JSON).body(Map.of("email", email))
                    .post(path)
                    .then().statusCode(400).header("ce-type", nullValue())
                    .body(containsString("not an event type this function takes: saveEmail"));
        }

        assertEquals(0, DATABASE.count("select count(*) from subscriber where email = ?", email));
        assertTrue(eventsFor(email).isEmpty());
    }

    @Test
    void anAllowedOriginMayCallFromABrowserAndNoOtherMay() {
        for (String origin : List.of("http://localhost:8080", "http://127.0.0.1:8080")) {
            given().header("Origin", origin).header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type")
                    .options("/saveEmail")
                    .then().statusCode(200).header("Access-Control-Allow-Origin", origin);
        }
        given().header("Origin", "http://localhost:8080").contentType(ContentType.JSON)
                .body(Map.of("email", Addresses.unique("expose"))).post("/saveEmail")
                .then().statusCode(200).header("Access-Control-Expose-Headers", "Retry-After");

        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/saveEmail")
                .then().header("Access-Control-Allow-Origin", (String) null);
        String email = Addresses.unique("eve");
        given().header("Origin", "https://evil.example").contentType(ContentType.JSON)
                .body(Map.of("email", email))
                .post("/saveEmail")
                .then().statusCode(403).header("Access-Control-Allow-Origin", (String) null);
        assertEquals(0, DATABASE.count("select count(*) from subscriber where email = ?", email));
    }

    private static void signUp(String email) {
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/saveEmail").then().statusCode(200);
    }
}
