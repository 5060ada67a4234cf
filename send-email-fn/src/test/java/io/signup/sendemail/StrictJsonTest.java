package io.signup.sendemail;

import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.requested;
import static io.signup.sendemail.support.Mails.mailsTo;
import static io.signup.sendemail.support.SendEmailTestEnvironment.BROKER;
import static io.signup.sendemail.support.SendEmailTestEnvironment.MAIL;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.sendemail.support.As;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * Event data and whole structured events are strict JSON or refused with the reason (a 400, which the Broker does not
 * retry, so the attempt lands in the dead letters with it): no mail from the first of two values or the last of two
 * keys. The dead letter keeps such data exactly as it came, and a replay leaves it where it is, saying why.
 */
@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class StrictJsonTest {

    @Test
    void binaryDataWithTrailingContentOrADuplicateKeyIsRefusedWithItsReasonAndMailsNothing() {
        String email = Addresses.unique("strict");
        deliverBinary(SignupEvent.REQUESTED.type(), UUID.randomUUID().toString(), requested(email, "S") + " garbage")
                .statusCode(400).body("error", equalTo("invalid JSON: content after the end of the value"));
        String duplicate = requested(Addresses.unique("other"), "S").replaceFirst("\\{", "{\"email\":\"" + email + "\",");
        deliverBinary(SignupEvent.REQUESTED.type(), UUID.randomUUID().toString(), duplicate)
                .statusCode(400).body("error", equalTo("invalid JSON: duplicate key \"email\""));
        assertTrue(mailsTo(MAIL, email).isEmpty());
    }

    @Test
    void aStructuredEventWithADuplicateAttributeOrACommentIsRefused() {
        String event = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"" + SignupEvent.SOURCE
                + "\",\"type\":\"" + SignupEvent.REQUESTED.type() + "\",\"type\":\"" + SignupEvent.CONFIRMED.type()
                + "\",\"datacontenttype\":\"application/json\",\"data\":" + requested(Addresses.unique("s"), "S") + "}";
        As.trigger().contentType("application/cloudevents+json").body(event).post("/").then().statusCode(400)
                .body("error", equalTo("invalid JSON: duplicate key \"type\""));
        As.trigger().contentType("application/cloudevents+json").body("/* x */" + event.replace(",\"type\":\""
                + SignupEvent.CONFIRMED.type() + "\"", "")).post("/").then().statusCode(400)
                .body("error", equalTo("invalid JSON: comments are not allowed"));
    }

    @Test
    void aDeadLetterWithDataThatIsNotStrictJsonIsKeptAsItCameAndNotReplayed() {
        String id = UUID.randomUUID().toString();
        String data = requested(Addresses.unique("kept"), "K") + " garbage";
        As.trigger().header("ce-specversion", "1.0").header("ce-id", id).header("ce-type", SignupEvent.REQUESTED.type())
                .header("ce-source", SignupEvent.SOURCE).header("ce-knativeerrorcode", "400")
                .contentType("application/json").body(data).post("/dead-letters").then().statusCode(202);
        String kept = As.operator().get("/dead-letters").jsonPath()
                .getString("find { it.id == '" + id + "' }.event.data_base64");
        assertEquals(data, new String(Base64.getDecoder().decode(kept)), "byte for byte, not reparsed");

        int sentBefore = BROKER.received().size();
        As.operator().post("/dead-letters/replay?id=" + id).then().statusCode(200).body("replayed", equalTo(0))
                .body("refused[0].id", equalTo(id))
                .body("refused[0].reason", equalTo("invalid JSON: content after the end of the value"));
        assertEquals(sentBefore, BROKER.received().size(), "nothing went back to the Broker");
    }
}
