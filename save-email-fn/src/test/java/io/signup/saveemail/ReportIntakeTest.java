package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.DATABASE;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.SNS;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.contract.AddressKey;
import io.signup.contract.EmailAddress;
import io.signup.contract.EventSchemas;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.peers.RecordingSink.Received;
import io.signup.saveemail.support.BrokerEvents;
import io.signup.saveemail.support.SaveEmailTestEnvironment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The intakes of bounce and complaint reports: Amazon SES through SNS (signature checked against a certificate fetched
 * over HTTPS), Postmark's webhooks and raw DSN/ARF reports (basic auth). A report about a subscriber's address
 * suppresses it and announces it once through the outbox; one about an unknown address changes nothing and is
 * answered 200; a forged one is refused and leaves no trace.
 */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class ReportIntakeTest {

    private static final String SECRET = ConfigProvider.getConfig().getValue("signup.suppression.key", String.class);

    @Test
    void aPermanentSesBounceSuppressesTheAddressAndAnnouncesItOnce() {
        String email = subscriber("ses-hard");
        JsonObject notification = SNS.notification(sesBounce(email, "Permanent", "fb-" + email), "2");

        ses(notification).statusCode(200).body("suppressed", equalTo(1));
        ses(notification).statusCode(200).body("suppressed", equalTo(0)); // SNS redelivers: nothing new

        assertEquals("HARD_BOUNCE", suppression(email).get("reason"));
        assertTrue(String.valueOf(suppression(email).get("detail")).contains("5.1.1"));
        Received event = await().atMost(Duration.ofSeconds(10))
                .until(() -> BrokerEvents.eventsFor(email, SignupEvent.SUPPRESSED), events -> events.size() == 1).get(0);
        JsonObject data = new JsonObject(event.body());
        assertEquals(Map.of("email", email, "reason", "HARD_BOUNCE", "reportedBy", "AMAZON_SES"),
                Map.of("email", data.getString("email"), "reason", data.getString("reason"),
                        "reportedBy", data.getString("reportedBy")));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.SUPPRESSED, event.body()));
        assertEquals(SignupEvent.SUPPRESSED.dataSchema().toString(), event.header("ce-dataschema"));
        assertEquals(1, DATABASE.count("select count(*) from outbox_event o join subscriber s on s.id = o.subscriber_id "
                + "where lower(s.email) = ? and o.type = ?", email, SignupEvent.SUPPRESSED.type()));
    }

    @Test
    void aSesComplaintSignedWithVersionOneSuppressesAsComplaint() {
        String email = subscriber("ses-complaint");
        String complaint = new JsonObject().put("notificationType", "Complaint").put("complaint", new JsonObject()
                .put("feedbackId", "c-" + email).put("complaintFeedbackType", "abuse")
                .put("complainedRecipients", new JsonArray().add(new JsonObject().put("emailAddress", email))))
                .encode();

        ses(SNS.notification(complaint, "1")).statusCode(200).body("suppressed", equalTo(1));

        assertEquals("COMPLAINT", suppression(email).get("reason"));
    }

    @Test
    void transientBouncesSuppressAtTheSoftLimitEachReportCountedOnce() {
        String email = subscriber("ses-soft");
        JsonObject first = SNS.notification(sesBounce(email, "Transient", "soft-1-" + email), "2");

        ses(first).body("suppressed", equalTo(0));
        ses(first).body("suppressed", equalTo(0)); // the same report again counts once
        ses(SNS.notification(sesBounce(email, "Transient", "soft-2-" + email), "2")).body("suppressed", equalTo(0));
        assertEquals(0, DATABASE.count("select count(*) from suppression where email = ?", email));
        ses(SNS.notification(sesBounce(email, "Transient", "soft-3-" + email), "2")).body("suppressed", equalTo(1));

        assertEquals("HARD_BOUNCE", suppression(email).get("reason"));
        assertTrue(String.valueOf(suppression(email).get("detail")).startsWith("3 soft bounces within PT168H"));
    }

    @Test
    void aReportAboutAnUnknownAddressChangesNothingAndIsAccepted() {
        String email = Addresses.unique("never-signed-up").toLowerCase();

        ses(SNS.notification(sesBounce(email, "Permanent", "u-" + email), "2")).statusCode(200)
                .body("suppressed", equalTo(0));
        postmark("postmark:postmark-test-secret", Map.of("RecordType", "Bounce", "Type", "HardBounce", "ID", 1,
                "Email", email)).statusCode(200).body("suppressed", equalTo(0));

        assertEquals(0, DATABASE.count("select count(*) from suppression where email = ?", email));
        assertEquals(0, DATABASE.count("select count(*) from soft_bounce where event_key like ?", "%" + email));
    }

    @Test
    void forgedSnsMessagesAreRefusedAndLeaveNoTrace() {
        String email = subscriber("ses-forged");
        String victim = subscriber("ses-victim");
        JsonObject tampered = SNS.notification(sesBounce(email, "Permanent", "f-" + email), "2");
        tampered.put("Message", sesBounce(victim, "Permanent", "f2-" + email));
        JsonObject foreignCertificate = SNS.notification(sesBounce(email, "Permanent", "f3-" + email), "2")
                .put("SigningCertURL", "https://sns.eu-west-1.amazonaws.com.example.net/cert.pem");
        JsonObject plainHttp = SNS.notification(sesBounce(email, "Permanent", "f4-" + email), "2")
                .put("SigningCertURL", SNS.certUrl().replace("https:", "http:"));
        JsonObject otherTopic = SNS.notification(sesBounce(email, "Permanent", "f5-" + email), "2")
                .put("TopicArn", "arn:aws:sns:eu-west-1:999999999999:someone-elses");

        for (JsonObject forged : List.of(tampered, foreignCertificate, plainHttp, otherTopic)) {
            ses(forged).statusCode(403);
        }
        ses(SNS.notification(sesBounce(email, "Permanent", "f6-" + email), "3")).statusCode(403);

        assertEquals(0, DATABASE.count("select count(*) from suppression where email in (?, ?)", email, victim));
        assertEquals(List.of(), BrokerEvents.eventsFor(email, SignupEvent.SUPPRESSED));
    }

    @Test
    void aCertificateThatCannotBeFetchedIsWorthAResendAndStoresNothing() {
        String email = subscriber("ses-unreachable");
        // A valid signature; the certificate's URL is on the trusted host, but nothing serves it there.
        JsonObject message = SNS.notification(sesBounce(email, "Permanent", "n-" + email), "2")
                .put("SigningCertURL", "https://localhost:1/SimpleNotificationService-test.pem");

        ses(message).statusCode(503).header("Retry-After", "10");

        assertEquals(0, DATABASE.count("select count(*) from suppression where email = ?", email));
    }

    @Test
    void aVerifiedSubscriptionConfirmationIsConfirmedAndAForgedOneIsNot() {
        ses(SNS.subscriptionConfirmation("token-1")).statusCode(200);
        JsonObject forged = SNS.subscriptionConfirmation("token-2")
                .put("SubscribeURL", SNS.base() + "/confirm?Action=ConfirmSubscription&Token=token-forged");
        ses(forged).statusCode(403);

        assertTrue(SNS.confirmations().stream().anyMatch(query -> query.endsWith("Token=token-1")));
        assertTrue(SNS.confirmations().stream().noneMatch(query -> query.contains("token-forged")));
    }

    @Test
    void postmarkWebhooksNeedTheirCredentials() {
        String email = subscriber("postmark");
        Map<String, Object> bounce = Map.of("RecordType", "Bounce", "Type", "HardBounce", "ID", 42,
                "Email", email, "Description", "The server was unable to deliver your message");

        given().contentType(ContentType.JSON).body(bounce).post("/reports/postmark").then().statusCode(401)
                .header("WWW-Authenticate", "Basic realm=\"reports\"");
        postmark("postmark:wrong", bounce).statusCode(401);
        postmark("mta:mta-test-secret", bounce).statusCode(401); // the raw intake's credentials are not Postmark's
        assertEquals(0, DATABASE.count("select count(*) from suppression where email = ?", email));

        postmark("postmark:postmark-test-secret", bounce).statusCode(200).body("suppressed", equalTo(1));
        assertEquals("HARD_BOUNCE", suppression(email).get("reason"));

        String complainer = subscriber("postmark-spam");
        postmark("postmark:postmark-test-secret", Map.of("RecordType", "SpamComplaint", "Type", "SpamComplaint",
                "ID", 43, "Email", complainer)).statusCode(200).body("suppressed", equalTo(1));
        assertEquals("COMPLAINT", suppression(complainer).get("reason"));
    }

    @Test
    void aMailServersDeliveryStatusNotificationIsReadPerRecipient() {
        String gone = subscriber("dsn-gone");
        String full = subscriber("dsn-full");
        String dsn = """
                From: MAILER-DAEMON@mx.example.net
                To: bounces@signup.example
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <dsn-%s@mx.example.net>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

                --b1
                Content-Type: text/plain

                Delivery failed.
                --b1
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.net

                Final-Recipient: rfc822; %s
                Action: failed
                Status: 5.1.1
                Diagnostic-Code: smtp; 550 5.1.1 user unknown

                Final-Recipient: rfc822; %s
                Action: delayed
                Status: 4.2.2
                Diagnostic-Code: smtp; 452 4.2.2 mailbox full
                --b1--
                """.formatted(gone, gone, full).replace("\n", "\r\n");

        given().contentType(ContentType.JSON).body("{}").post("/reports/raw").then().statusCode(401);
        raw(dsn).statusCode(200).body("suppressed", equalTo(1));

        assertEquals("HARD_BOUNCE", suppression(gone).get("reason"));
        assertEquals(0, DATABASE.count("select count(*) from suppression where email = ?", full));
        assertEquals(1, DATABASE.count("select count(*) from soft_bounce where event_key like 'report DELIVERY_STATUS%' "
                + "and address_key = ?", AddressKey.of(SECRET, EmailAddress.parse(full))));
    }

    @Test
    void anAbuseFeedbackReportIsAComplaintAndGarbageIsRefused() {
        String email = subscriber("arf");
        String arf = """
                From: fbl@isp.example
                Message-ID: <arf-%s@isp.example>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report; boundary="b2"

                --b2
                Content-Type: text/plain

                This is an email abuse report.
                --b2
                Content-Type: message/feedback-report

                Feedback-Type: abuse
                User-Agent: FBL/1.0
                Version: 1

                --b2
                Content-Type: text/rfc822-headers

                From: Signup <noreply@signup.example>
                To: %s
                Subject: Welcome

                --b2--
                """.formatted(email, email).replace("\n", "\r\n");

        raw(arf).statusCode(200).body("suppressed", equalTo(1));
        assertEquals("COMPLAINT", suppression(email).get("reason"));

        raw("Subject: hello\r\n\r\njust text\r\n").statusCode(400);
    }

    /** The suppression list's keys: HMAC with the test profile's secret, the same in send-email-fn. */
    @Test
    void suppressionsAreKeptUnderTheKeyedHashOfTheAddress() {
        String email = subscriber("keyed");
        postmark("postmark:postmark-test-secret", Map.of("RecordType", "Bounce", "Type", "HardBounce", "ID", 44,
                "Email", email)).statusCode(200).body("suppressed", equalTo(1));

        assertEquals(1, DATABASE.count("select count(*) from suppression where address_key = ? and email = ?",
                AddressKey.of(SECRET, EmailAddress.parse(email)), email));
        assertEquals(0, DATABASE.count("select count(*) from suppression where address_key = "
                + "encode(sha256(convert_to(?, 'UTF8')), 'hex')", email), "not the plain SHA-256 any more");
    }

    private static String subscriber(String name) {
        String email = Addresses.unique(name).toLowerCase();
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/saveEmail").then().statusCode(200);
        return email;
    }

    private static String sesBounce(String email, String type, String feedbackId) {
        return new JsonObject().put("notificationType", "Bounce").put("bounce", new JsonObject()
                .put("bounceType", type).put("bounceSubType", "General").put("feedbackId", feedbackId)
                .put("bouncedRecipients", new JsonArray().add(new JsonObject().put("emailAddress", email)
                        .put("action", "failed").put("status", type.equals("Permanent") ? "5.1.1" : "4.2.2")
                        .put("diagnosticCode", "smtp; 550 5.1.1 user unknown"))))
                .put("mail", new JsonObject().put("messageId", "m-" + feedbackId)).encode();
    }

    private static io.restassured.response.ValidatableResponse ses(JsonObject message) {
        // SNS posts its JSON as text/plain.
        return given().contentType("text/plain; charset=UTF-8").body(message.encode()).post("/reports/ses").then();
    }

    private static io.restassured.response.ValidatableResponse postmark(String credentials, Map<String, Object> body) {
        String[] parts = credentials.split(":", 2);
        return given().auth().preemptive().basic(parts[0], parts[1]).contentType(ContentType.JSON).body(body)
                .post("/reports/postmark").then();
    }

    private static io.restassured.response.ValidatableResponse raw(String message) {
        return given().auth().preemptive().basic("mta", "mta-test-secret").contentType("message/rfc822")
                .body(message.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).post("/reports/raw").then();
    }

    private static Map<String, Object> suppression(String email) {
        List<Map<String, Object>> rows = DATABASE.query("select reason, detail from suppression where email = ?", email);
        assertEquals(1, rows.size(), "one suppression row for " + email);
        return rows.get(0);
    }
}
