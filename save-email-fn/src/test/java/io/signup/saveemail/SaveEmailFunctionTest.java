package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.DATABASE;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.SINK;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.contract.SubscriptionCreated;
import io.signup.contract.SubscriptionCreatedSchema;
import io.signup.testing.RecordingSink.Received;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class SaveEmailFunctionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void newSignupIsStoredAndAnnouncedOnceAsACloudEvent() throws Exception {
        String local = "Ann." + UUID.randomUUID().toString().substring(0, 8);

        given().contentType(ContentType.JSON)
                .body(Map.of("email", "  " + local + "@Example.COM ", "name", "Ann Lee"))
                .post("/saveEmail")
                .then().statusCode(200).contentType(ContentType.JSON).body("status", equalTo("accepted"));

        String email = local + "@example.com";
        List<Map<String, Object>> rows = DATABASE.query("select * from subscriber where email = ?", email);
        assertEquals(1, rows.size(), "one subscriber row with the normalized address");
        assertEquals("Ann Lee", rows.get(0).get("name"));
        Map<String, Object> outbox = DATABASE.query(
                "select * from outbox_event where subscriber_id = ?", rows.get(0).get("id")).get(0);
        assertNotNull(outbox.get("published_at"), "the outbox record is marked published");

        List<Received> events = eventsFor(email);
        assertEquals(1, events.size(), "exactly one event at the Broker");
        Received event = events.get(0);
        assertEquals("1.0", event.header("ce-specversion"));
        assertEquals(SubscriptionCreated.TYPE, event.header("ce-type"));
        assertEquals(SubscriptionCreated.SOURCE, event.header("ce-source"));
        assertEquals(outbox.get("id").toString(), event.header("ce-id"), "the event id is the outbox id");
        assertNotNull(event.header("ce-time"));
        assertTrue(event.header("content-type").startsWith(SubscriptionCreated.DATA_CONTENT_TYPE));
        assertEquals(List.of(), SubscriptionCreatedSchema.violations(event.body()));
        assertEquals("Ann Lee", JSON.readTree(event.body()).get("name").asText());
    }

    @Test
    void repeatedAddressInAnotherCaseOrSpacingStoresAndAnnouncesNothingNew() {
        String local = "bob." + UUID.randomUUID().toString().substring(0, 8);
        String first = given().contentType(ContentType.JSON).body(Map.of("email", local + "@example.com"))
                .post("/saveEmail").then().statusCode(200).extract().asString();

        String second = given().contentType(ContentType.JSON)
                .body(Map.of("email", "\t" + local.toUpperCase() + "@EXAMPLE.com  "))
                .post("/saveEmail").then().statusCode(200).extract().asString();

        assertEquals(first, second, "a duplicate looks exactly like a new signup");
        assertEquals(1, DATABASE.count("select count(*) from subscriber where lower(email) = lower(?)",
                local + "@example.com"));
        // The publish completes before the function answers, so a second event would already be here.
        assertEquals(1, eventsFor(local + "@example.com").size());
    }

    @Test
    void theSameAddressSignedUpManyTimesAtOnceIsStoredAndAnnouncedOnce() {
        String email = "cleo." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";

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
        String email = "bot." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "website", "https://spam.example"))
                .post("/saveEmail")
                .then().statusCode(200).body("status", equalTo("accepted"));

        assertEquals(0, DATABASE.count("select count(*) from subscriber where email = ?", email));
        assertNoEventFor(email);
    }

    @Test
    void signupIsAlsoAcceptedAsABinaryCloudEvent() {
        String email = "carol." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        given().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", "saveEmail").header("ce-source", "urn:test")
                .contentType(ContentType.JSON).body(Map.of("email", email))
                .post("/")
                .then().statusCode(200).body("status", equalTo("accepted"));

        assertEquals(1, DATABASE.count("select count(*) from subscriber where email = ?", email));
        assertEquals(1, eventsFor(email).size());
    }

    @Test
    void anAllowedOriginMayCallFromABrowserAndNoOtherMay() {
        given().header("Origin", "http://localhost:8080").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .options("/saveEmail")
                .then().statusCode(200).header("Access-Control-Allow-Origin", "http://localhost:8080");

        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/saveEmail")
                .then().header("Access-Control-Allow-Origin", (String) null);
        String email = "eve." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        given().header("Origin", "https://evil.example").contentType(ContentType.JSON)
                .body(Map.of("email", email))
                .post("/saveEmail")
                .then().statusCode(403).header("Access-Control-Allow-Origin", (String) null);
        assertEquals(0, DATABASE.count("select count(*) from subscriber where email = ?", email));
    }

    static List<Received> eventsFor(String email) {
        return SINK.received().stream().filter(event -> email.equals(dataEmail(event))).toList();
    }

    private static String dataEmail(Received event) {
        try {
            JsonNode email = JSON.readTree(event.body()).get("email");
            return email == null ? null : email.asText();
        } catch (Exception e) {
            return null;
        }
    }

    static void assertNoEventFor(String email) {
        assertNull(eventsFor(email).stream().findAny().orElse(null), "no event for " + email);
    }
}
