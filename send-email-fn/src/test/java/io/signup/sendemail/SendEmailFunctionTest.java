package io.signup.sendemail;

import static io.restassured.RestAssured.given;
import static io.signup.sendemail.support.Events.data;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.untilAccepted;
import static io.signup.sendemail.support.SendEmailTestEnvironment.MAIL;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signup.contract.SubscriptionCreated;
import io.signup.sendemail.support.SendEmailTestEnvironment;
import io.signup.sendemail.support.TestMailServer;
import io.signup.testing.MimeParts;

@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class SendEmailFunctionTest {

    @Test
    void binaryEventBecomesExactlyOneMailWithHtmlAndTextParts() throws Exception {
        String email = unique("ann");

        assertEquals("", untilAccepted(() -> deliverBinary(data(email, "Ann <b>Lee</b>"))).asString());

        MimeMessage mail = single(mailsTo(email));
        assertEquals("Welcome to the test", mail.getSubject());
        assertEquals("welcome@signup.test", mail.getFrom()[0].toString().replaceAll(".*<|>.*", ""));
        assertEquals(List.of(email), List.of(mail.getRecipients(Message.RecipientType.TO)).stream()
                .map(Object::toString).toList());
        String text = part(mail, "text/plain");
        String html = part(mail, "text/html");
        assertTrue(text.contains("Hello Ann <b>Lee</b>,"), text);
        assertTrue(html.contains("Hello Ann &lt;b&gt;Lee&lt;/b&gt;,"), "the name is escaped in HTML: " + html);
        assertTrue(html.contains(email));
    }

    @Test
    void structuredEventBecomesOneMail() {
        String email = unique("bob");
        String event = """
                {"specversion":"1.0","id":"%s","type":"%s","source":"%s",
                 "datacontenttype":"application/json","data":%s}"""
                .formatted(UUID.randomUUID(), SubscriptionCreated.TYPE, SubscriptionCreated.SOURCE, data(email, null));
        assertEquals("", untilAccepted(() -> given().contentType("application/cloudevents+json").body(event)
                .post("/").then()).asString());

        MimeMessage mail = single(mailsTo(email));
        assertTrue(part(mail, "text/plain").startsWith("Hello,"), "no name: a plain greeting");
    }

    @Test
    void aRedeliveredEventSendsNoSecondMail() {
        String email = unique("carl");
        String id = UUID.randomUUID().toString();

        untilAccepted(() -> deliverBinary(SubscriptionCreated.TYPE, id, data(email, "Carl")));
        deliverBinary(SubscriptionCreated.TYPE, id, data(email, "Carl")).statusCode(204);

        assertEquals(1, mailsTo(email).size());
    }

    static Stream<Arguments> poisonEvents() {
        return Stream.of(
                Arguments.of("wrong type", "io.signup.subscription.deleted.v1", data(unique("t"), null)),
                Arguments.of("invalid address", SubscriptionCreated.TYPE, data("not-an-address", null)),
                Arguments.of("header injection in the address", SubscriptionCreated.TYPE,
                        data("ann@example.com\\r\\nBcc: eve@example.com", null)),
                Arguments.of("control characters in the name", SubscriptionCreated.TYPE,
                        data(unique("n"), "Ann\\r\\nBcc: eve@example.com")),
                Arguments.of("no data", SubscriptionCreated.TYPE, ""),
                Arguments.of("data not JSON", SubscriptionCreated.TYPE, "{\"email\":"),
                Arguments.of("timestamp not a timestamp", SubscriptionCreated.TYPE,
                        "{\"email\":\"" + unique("ts") + "\",\"subscribedAt\":\"yesterday\"}"));
    }

    @ParameterizedTest(name = "{0} -> 400")
    @MethodSource("poisonEvents")
    void anEventThatCanNeverSucceedIsRefusedWithoutRetryAndSendsNothing(String label, String type, String data) {
        int before = MAIL.received().size();

        deliverBinary(type, UUID.randomUUID().toString(), data)
                .statusCode(400).contentType("application/json");

        assertEquals(before, MAIL.received().size());
    }

    @Test
    void getDoesNotCallTheFunction() {
        int before = MAIL.received().size();
        given().get("/?email=" + unique("get")).then().statusCode(405).header("Allow", "POST")
                .body("error", equalTo("method not allowed: use POST"));
        assertEquals(before, MAIL.received().size());
    }

    static List<MimeMessage> mailsTo(String email) {
        return mailsTo(MAIL, email);
    }

    static List<MimeMessage> mailsTo(TestMailServer server, String email) {
        return server.received().stream().filter(mail -> {
            try {
                return email.equals(mail.getRecipients(Message.RecipientType.TO)[0].toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    static MimeMessage single(List<MimeMessage> mails) {
        assertEquals(1, mails.size(), "exactly one mail");
        return mails.get(0);
    }

    static String part(Part mail, String mimeType) {
        return MimeParts.find(mail, mimeType);
    }

    static String unique(String name) {
        return name + "." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }
}
