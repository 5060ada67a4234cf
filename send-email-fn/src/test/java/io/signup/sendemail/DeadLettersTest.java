package io.signup.sendemail;

import static io.restassured.RestAssured.given;
import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.requested;
import static io.signup.sendemail.support.Mails.mailsTo;
import static io.signup.sendemail.support.SendEmailTestEnvironment.BROKER;
import static io.signup.sendemail.support.SendEmailTestEnvironment.MAIL;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.peers.PrometheusText;
import io.signup.peers.RecordingSink.Received;
import io.signup.sendemail.support.As;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * The Broker's dead-letter sink keeps each event it gives up on, with Knative's error extensions, and sends it back
 * with its own id on request; the replayed event becomes one mail, and a second replay sends nothing more.
 */
@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class DeadLettersTest {

    @Test
    void aDeadLetterIsKeptListedAndReplayedAsTheSameEvent() {
        String email = Addresses.unique("dead");
        String id = UUID.randomUUID().toString();
        String data = requested(email, "Dee");

        double keptBefore = metric("dead_letters_kept_total");
        deadLetter(id, data, "503", "{\"error\":\"mail server unavailable, retry later\"}").statusCode(202);
        deadLetter(id, data, "503", "{\"error\":\"mail server unavailable, retry later\"}").statusCode(202);
        assertEquals(keptBefore + 2, metric("dead_letters_kept_total"));
        assertEquals(waitingInTheList(), metric("dead_letters_waiting"), "the gauge counts what waits");

        JsonPath kept = As.operator().get("/dead-letters").then().statusCode(200).extract().jsonPath();
        Map<String, Object> letter = kept.getMap("find { it.id == '" + id + "' }");
        assertEquals(SignupEvent.REQUESTED.type(), letter.get("type"));
        assertEquals(SignupEvent.SOURCE, letter.get("source"));
        assertEquals("http://send-email-fn.signup.svc.cluster.local", letter.get("errorDest"));
        assertEquals("503", letter.get("errorCode"));
        assertEquals("{\"error\":\"mail server unavailable, retry later\"}", letter.get("errorData"));
        assertEquals(2, letter.get("timesSeen"));
        assertNull(letter.get("replayedAt"));

        As.operator().post("/dead-letters/replay?id=" + id).then().statusCode(200)
                .body("replayed", equalTo(1)).body("failed", equalTo(0));
        assertEquals(waitingInTheList(), metric("dead_letters_waiting"), "recounted after the replay");

        List<Received> replayed = BROKER.received().stream().filter(r -> id.equals(r.header("ce-id"))).toList();
        assertEquals(1, replayed.size());
        Received event = replayed.get(0);
        assertEquals(SignupEvent.REQUESTED.type(), event.header("ce-type"));
        assertNull(event.header("ce-knativeerrorcode"), "the error extensions stay with the dead letter");
        assertEquals("Bearer token-of-send-email-fn", event.header("Authorization"),
                "replayed as our SinkBinding's identity, which the Broker's EventPolicy admits");
        assertNotNull(As.operator().get("/dead-letters").jsonPath().get("find { it.id == '" + id + "' }.replayedAt"));

        // The Broker delivers the replayed event: one mail. A second replay sends nothing: nothing is due.
        accepted(() -> deliverBinary(event.header("ce-type"), id, event.body()));
        assertEquals(1, mailsTo(MAIL, email).size());
        As.operator().post("/dead-letters/replay?id=" + id).then().statusCode(200).body("replayed", equalTo(0));
    }

    @Test
    void anythingThatIsAReadableCloudEventIsKeptEvenIfItIsNotOurs() {
        String id = UUID.randomUUID().toString();
        As.trigger().header("ce-specversion", "1.0").header("ce-id", id).header("ce-type", "com.example.other")
                .header("ce-source", "urn:elsewhere").header("ce-knativeerrorcode", "400")
                .contentType("text/plain").body("whatever").post("/dead-letters").then().statusCode(202);
        assertEquals("com.example.other",
                As.operator().get("/dead-letters").jsonPath().get("find { it.id == '" + id + "' }.type"));
        As.trigger().contentType("text/plain").body("not an event").post("/dead-letters").then().statusCode(400);
    }

    private static io.restassured.response.ValidatableResponse deadLetter(String id, String data, String code,
            String answer) {
        return As.trigger().header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-type", SignupEvent.REQUESTED.type()).header("ce-source", SignupEvent.SOURCE)
                .header("ce-knativeerrordest", "http://send-email-fn.signup.svc.cluster.local")
                .header("ce-knativeerrorcode", code)
                .header("ce-knativeerrordata", Base64.getEncoder().encodeToString(answer.getBytes(StandardCharsets.UTF_8)))
                .contentType("application/json").body(data).post("/dead-letters").then();
    }

    private static double metric(String name) {
        return PrometheusText.sum(PrometheusText.parse(given().get("/q/metrics").asString()), name, Map.of());
    }

    /** Dead letters not replayed since they were last seen, from the list an operator reads. */
    private static double waitingInTheList() {
        List<Map<String, Object>> letters = As.operator().get("/dead-letters").jsonPath().getList("$");
        return letters.stream().filter(letter -> letter.get("replayedAt") == null
                || ((String) letter.get("replayedAt")).compareTo((String) letter.get("lastSeen")) < 0).count();
    }
}
