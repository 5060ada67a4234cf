package io.signup.sendemail;

import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Events.confirmed;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.requested;
import static io.signup.sendemail.support.Events.unsubscribed;
import static io.signup.sendemail.support.Mails.header;
import static io.signup.sendemail.support.Mails.mailsTo;
import static io.signup.sendemail.support.Mails.part;
import static io.signup.sendemail.support.Mails.single;
import static io.signup.sendemail.support.SendEmailTestEnvironment.MAIL;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signup.contract.LinkToken;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.sendemail.support.As;
import io.signup.sendemail.support.SendEmailTestEnvironment;

@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class SendEmailFunctionTest {

    private static final String PAGE = "https://signup.test";
    private static final String ACTIONS = "https://save.signup.test";

    @Test
    void aConfirmationRequestBecomesOneMailWithTheConfirmationLinkAndNoUnsubscribeHeader() throws Exception {
        String email = Addresses.unique("ann");
        String token = LinkToken.generate();

        assertEquals("", accepted(() -> deliverBinary(SignupEvent.REQUESTED,
                requested(email, "Ann <b>Lee</b>", token))).asString());

        MimeMessage mail = single(mailsTo(MAIL, email));
        assertEquals("Confirm, please", mail.getSubject());
        assertEquals("confirm@signup.test", mail.getFrom()[0].toString().replaceAll(".*<|>.*", ""),
                "transactional mail from its own sender, apart from the list's");
        assertEquals(List.of(email), List.of(mail.getRecipients(Message.RecipientType.TO)).stream()
                .map(Object::toString).toList());
        String text = part(mail, "text/plain");
        String html = part(mail, "text/html");
        assertTrue(text.contains("Hello Ann <b>Lee</b>,"), text);
        assertTrue(html.contains("Hello Ann &lt;b&gt;Lee&lt;/b&gt;,"), "the name is escaped in HTML: " + html);
        assertTrue(text.contains(PAGE + "/confirm?token=" + token), text);
        assertTrue(html.contains("href=\"" + PAGE + "/confirm?token=" + token + "\""), html);
        assertTrue(html.lines().count() <= 2 && html.lines().allMatch(line -> line.length() <= 998),
                "the HTML folded into few lines, none past SMTP's limit: " + html);
        assertEquals(null, header(mail, "List-Unsubscribe"), "not subscribed yet: nothing to unsubscribe from");
        assertEquals(null, header(mail, "List-Id"), "not list mail");
    }

    @Test
    void aConfirmationBecomesAWelcomeMailWithOneClickUnsubscribe() throws Exception {
        String email = Addresses.unique("wel");
        String token = LinkToken.generate();

        accepted(() -> deliverBinary(SignupEvent.CONFIRMED, confirmed(email, null, token, Instant.now())));

        MimeMessage mail = single(mailsTo(MAIL, email));
        assertEquals("Welcome to the test", mail.getSubject());
        assertEquals("<" + ACTIONS + "/unsubscribe?token=" + token + ">", header(mail, "List-Unsubscribe"));
        assertEquals("List-Unsubscribe=One-Click", header(mail, "List-Unsubscribe-Post"));
        assertEquals("Signup test list <list.signup.test>", header(mail, "List-Id"));
        assertEquals("welcome@signup.test", mail.getFrom()[0].toString().replaceAll(".*<|>.*", ""));
        assertTrue(part(mail, "text/plain").startsWith("Hello,"), "no name: a plain greeting");
        assertTrue(part(mail, "text/html").contains("href=\"" + PAGE + "/unsubscribe?token=" + token + "\""),
                "a visible unsubscribe link");
        assertTrue(part(mail, "text/plain").contains(PAGE + "/unsubscribe?token=" + token));
    }

    @Test
    void theMessageIdIsDerivedFromTheEvent() {
        String first = Addresses.unique("mid");
        String second = Addresses.unique("mid");
        String id = UUID.randomUUID().toString();
        accepted(() -> deliverBinary(SignupEvent.REQUESTED.type(), id, requested(first, null)));
        accepted(() -> deliverBinary(SignupEvent.REQUESTED, requested(second, null)));

        String messageId = header(single(mailsTo(MAIL, first)), "Message-ID");
        assertTrue(messageId.matches("<[0-9a-f]{32}@signup\\.test>"), messageId);
        assertNotEquals(messageId, header(single(mailsTo(MAIL, second)), "Message-ID"));
    }

    @Test
    void structuredEventBecomesOneMail() {
        String email = Addresses.unique("bob");
        String event = """
                {"specversion":"1.0","id":"%s","type":"%s","source":"%s",
                 "datacontenttype":"application/json","data":%s}"""
                .formatted(UUID.randomUUID(), SignupEvent.REQUESTED.type(), SignupEvent.SOURCE, requested(email, null));
        assertEquals("", accepted(() -> As.trigger().contentType("application/cloudevents+json").body(event)
                .post("/").then()).asString());

        assertEquals(1, mailsTo(MAIL, email).size());
    }

    @Test
    void aRedeliveredEventSendsNoSecondMail() {
        String email = Addresses.unique("carl");
        String id = UUID.randomUUID().toString();
        String data = requested(email, "Carl");

        accepted(() -> deliverBinary(SignupEvent.REQUESTED.type(), id, data));
        deliverBinary(SignupEvent.REQUESTED.type(), id, data).statusCode(204);

        assertEquals(1, mailsTo(MAIL, email).size());
    }

    @Test
    void anUnsubscribeSendsNothingAndStopsALateWelcome() {
        String email = Addresses.unique("late");
        Instant confirmedAt = Instant.now().minusSeconds(60);
        int before = MAIL.received().size();

        deliverBinary(SignupEvent.UNSUBSCRIBED, unsubscribed(email, Instant.now())).statusCode(204);
        accepted(() -> deliverBinary(SignupEvent.CONFIRMED,
                confirmed(email, null, LinkToken.generate(), confirmedAt)));

        assertEquals(before, MAIL.received().size(), "no goodbye mail, and no welcome after leaving");
        accepted(() -> deliverBinary(SignupEvent.CONFIRMED,
                confirmed(email, null, LinkToken.generate(), Instant.now().plusSeconds(1))));
        assertEquals(1, mailsTo(MAIL, email).size(), "a later confirmation (a new opt-in) is welcomed");
    }

    static Stream<Arguments> poisonEvents() {
        String requested = SignupEvent.REQUESTED.type();
        return Stream.of(
                Arguments.of("foreign type", "io.signup.subscription.deleted.v1", requested(Addresses.unique("t"), null)),
                Arguments.of("the retired created type", "io.signup.subscription.created.v1",
                        "{\"email\":\"" + Addresses.unique("old") + "\",\"subscribedAt\":\"2026-11-25T10:15:30Z\"}"),
                Arguments.of("invalid address", requested, requested("not-an-address", null)),
                Arguments.of("header injection in the address", requested,
                        requested("ann@example.com\\r\\nBcc: eve@example.com", null)),
                Arguments.of("control characters in the name", requested,
                        requested(Addresses.unique("n"), "Ann\\r\\nBcc: eve@example.com")),
                Arguments.of("token not a token", requested, requested(Addresses.unique("tok"), null, "abc\\r\\nX: y")),
                Arguments.of("no data", requested, ""),
                Arguments.of("data not JSON", requested, "{\"email\":"),
                Arguments.of("timestamp not a timestamp", requested, "{\"email\":\"" + Addresses.unique("ts")
                        + "\",\"confirmToken\":\"" + LinkToken.generate() + "\",\"expiresAt\":\"yesterday\"}"));
    }

    @ParameterizedTest(name = "{0} -> 400")
    @MethodSource("poisonEvents")
    void anEventThatCanNeverSucceedIsRefusedWithoutRetryAndSendsNothing(String label, String type, String data) {
        int before = MAIL.received().size();

        deliverBinary(type, UUID.randomUUID().toString(), data)
                .statusCode(400).contentType("application/json");

        assertEquals(before, MAIL.received().size());
    }

    static Stream<Arguments> malformedCloudEvents() {
        String data = requested(Addresses.unique("bad"), null);
        String type = SignupEvent.REQUESTED.type();
        return Stream.of(
                Arguments.of("no id", new String[] { "ce-specversion", "1.0", "ce-type", type, "ce-source", SignupEvent.SOURCE }, data),
                Arguments.of("empty id", new String[] { "ce-specversion", "1.0", "ce-id", "", "ce-type", type, "ce-source", SignupEvent.SOURCE }, data),
                Arguments.of("no source", new String[] { "ce-specversion", "1.0", "ce-id", "1", "ce-type", type }, data),
                Arguments.of("foreign source", new String[] { "ce-specversion", "1.0", "ce-id", "1", "ce-type", type, "ce-source", "urn:elsewhere" }, data),
                Arguments.of("specversion 2.0", new String[] { "ce-specversion", "2.0", "ce-id", "1", "ce-type", type, "ce-source", SignupEvent.SOURCE }, data),
                Arguments.of("empty specversion", new String[] { "ce-specversion", "", "ce-id", "1", "ce-type", type, "ce-source", SignupEvent.SOURCE }, data),
                Arguments.of("garbage time", new String[] { "ce-specversion", "1.0", "ce-id", "1", "ce-type", type, "ce-source", SignupEvent.SOURCE, "ce-time", "soon" }, data),
                Arguments.of("empty subject", new String[] { "ce-specversion", "1.0", "ce-id", "1", "ce-type", type, "ce-source", SignupEvent.SOURCE, "ce-subject", "" }, data),
                Arguments.of("not a CloudEvent", new String[] {}, data));
    }

    @ParameterizedTest(name = "{0} -> 400")
    @MethodSource("malformedCloudEvents")
    void aDeliveryThatIsNotAValidCloudEventIsRefusedWithoutRetry(String label, String[] headers, String data) {
        int before = MAIL.received().size();
        var request = As.trigger().contentType("application/json").body(data);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }

        String error = request.post("/").then().statusCode(400).contentType("application/json")
                .extract().path("error");

        assertFalse(error.isBlank());
        assertEquals(before, MAIL.received().size());
    }

    @ParameterizedTest(name = "structured: {0} -> 400")
    @MethodSource("malformedStructured")
    void aStructuredEventThatIsNotValidIsRefusedWithoutRetry(String label, String body) {
        As.trigger().contentType("application/cloudevents+json").body(body).post("/").then().statusCode(400);
    }

    static Stream<Arguments> malformedStructured() {
        String data = requested(Addresses.unique("st"), null);
        return Stream.of(
                Arguments.of("not JSON", "{\"specversion\":"),
                Arguments.of("no id", "{\"specversion\":\"1.0\",\"type\":\"%s\",\"source\":\"%s\",\"data\":%s}"
                        .formatted(SignupEvent.REQUESTED.type(), SignupEvent.SOURCE, data)),
                Arguments.of("specversion 0.1", "{\"specversion\":\"0.1\",\"id\":\"1\",\"type\":\"%s\",\"source\":\"%s\",\"data\":%s}"
                        .formatted(SignupEvent.REQUESTED.type(), SignupEvent.SOURCE, data)),
                Arguments.of("time not a time", "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"%s\",\"source\":\"%s\","
                        .formatted(SignupEvent.REQUESTED.type(), SignupEvent.SOURCE) + "\"time\":\"soon\",\"data\":" + data + "}"),
                Arguments.of("array", "[]"));
    }

    @Test
    void getDoesNotCallTheFunction() {
        int before = MAIL.received().size();
        As.trigger().get("/?email=" + Addresses.unique("get")).then().statusCode(405).header("Allow", "POST")
                .body("error", equalTo("method not allowed: use POST"));
        assertEquals(before, MAIL.received().size());
    }

    @Test
    void aContractEventNoTriggerDeliversHereIsRefused() {
        for (SignupEvent untriggered : SignupEvent.values()) {
            if (!untriggered.triggered()) {
                deliverBinary(untriggered.type(), UUID.randomUUID().toString(), "{}").statusCode(400)
                        .body("error", equalTo("not an event type this function takes: " + untriggered.type()));
            }
        }
    }
}
