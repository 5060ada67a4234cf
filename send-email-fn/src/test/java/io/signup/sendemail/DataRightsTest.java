package io.signup.sendemail;

import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Events.deliverBinary;
import static io.signup.sendemail.support.Events.requested;
import static io.signup.sendemail.support.Mails.mailsTo;
import static io.signup.sendemail.support.SendEmailTestEnvironment.DATABASE;
import static io.signup.sendemail.support.SendEmailTestEnvironment.MAIL;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.signup.contract.EmailAddress;
import io.signup.contract.EventSchemas;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.sendemail.support.As;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * Export gives everything held about one address from every table; erasure removes it from every table, so that a
 * dump of the database finds it nowhere, keeps only its hash as ERASED, and no mail goes to it again.
 */
@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class DataRightsTest {

    @Test
    void anAddressIsExportedFromEveryTableThenErasedFromAll() {
        String email = Addresses.unique("Rights");
        UUID subscriber = UUID.randomUUID();
        String event = UUID.randomUUID().toString();
        DATABASE.execute("insert into subscriber (id, email, created_at) values (?, ?, now())", subscriber, email);
        DATABASE.execute("""
                insert into consent_record (id, subscriber_id, action, recorded_at, client_address, user_agent)
                values (?, ?, 'SIGNUP', now(), '203.0.113.7', 'Browser/1')""", UUID.randomUUID(), subscriber);
        String data = requested(email, "Rita");
        DATABASE.execute("""
                insert into outbox_event (id, type, subscriber_id, payload, created_at, available_at, published_at)
                values (?, ?, ?, ?, now(), now(), now())""", UUID.fromString(event), SignupEvent.REQUESTED.type(),
                subscriber, data);
        accepted(() -> deliverBinary(SignupEvent.REQUESTED.type(), event, data));
        String letter = UUID.randomUUID().toString();
        As.trigger().header("ce-specversion", "1.0")
                .header("ce-id", letter).header("ce-type", SignupEvent.REQUESTED.type())
                .header("ce-source", SignupEvent.SOURCE).header("ce-knativeerrorcode", "503")
                .contentType("application/json").body(requested(email, "Rita")).post("/dead-letters").then()
                .statusCode(202);
        DATABASE.execute("insert into rate_limit (key, window_start, hits) values (?, now(), 1)",
                "mailbox:" + EmailAddress.parse(email).mailbox());
        DATABASE.execute("insert into soft_bounce (address_key, event_key, bounced_at, reply) values (?, 'x', now(), ?)",
                SuppressionTest.key(email), "452 4.2.2 <" + email + "> over quota");

        JsonPath export = As.operator().queryParam("email", email).get("/subjects").then().statusCode(200).extract()
                .jsonPath();
        assertEquals(email, export.getString("subscriber.email"));
        assertEquals("203.0.113.7", export.getString("consentRecords[0].client_address"));
        assertEquals(List.of(event), export.getList("outboxEvents.id"));
        assertEquals(List.of(letter), export.getList("deadLetters.id"));
        assertEquals(1, export.getList("mailDeliveries").size(), "the mail of its event");
        assertEquals(1, export.getList("rateLimits").size());
        assertEquals(1, export.getList("softBounces").size());

        As.operator().queryParam("email", email.toUpperCase()).post("/subjects/forget").then().statusCode(200)
                .body("deleted.subscribers", equalTo(1)).body("deleted.consent", equalTo(1))
                .body("deleted.outbox", equalTo(1)).body("deleted.dead_letters", equalTo(1))
                .body("deleted.mails", equalTo(1)).body("deleted.limits", equalTo(1))
                .body("deleted.soft_bounces", equalTo(1)).body("announced", equalTo(true));

        assertEquals(List.of(), tablesMentioning(email), "a dump finds the address nowhere");
        Map<String, Object> suppression = SuppressionTest.suppression(email);
        assertEquals("ERASED", suppression.get("reason"));
        assertNull(suppression.get("email"), "only its hash is kept");
        List<Map<String, Object>> announced = DATABASE.query("select subscriber_id, payload, published_at "
                + "from outbox_event where type = ? and payload like ?", SignupEvent.ERASED.type(),
                "%" + SuppressionTest.key(email) + "%");
        assertEquals(1, announced.size(), "the erasure waits in save-email-fn's outbox for its next republish run");
        assertNull(announced.get(0).get("subscriber_id"));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.ERASED, (String) announced.get(0).get("payload")));
        accepted(() -> deliverBinary(SignupEvent.REQUESTED, requested(email, null)));
        assertEquals(1, mailsTo(MAIL, email).size(), "the one mail before the erasure, none after");
        assertEquals(List.of(), tablesMentioning(email), "and the held-back mail left no trace of it either");
    }

    @Test
    void erasingAnAddressNobodyHeldAnnouncesNothing() {
        String email = Addresses.unique("Nobody");
        As.operator().queryParam("email", email).post("/subjects/forget").then().statusCode(200)
                .body("announced", equalTo(false));
        assertEquals(0, DATABASE.count("select count(*) from outbox_event where type = ? and payload like ?",
                SignupEvent.ERASED.type(), "%" + SuppressionTest.key(email) + "%"));
    }

    @Test
    void withoutAnAddressTheAnswerSaysWhatIsMissing() {
        As.operator().get("/subjects").then().statusCode(400);
        As.operator().get("/subjects/forget?email=a@example.com").then().statusCode(405);
    }

    /** Every table of the schema whose rows, as text, contain the address in any case. */
    private static List<String> tablesMentioning(String email) {
        return DATABASE.query("select table_name from information_schema.tables where table_schema = 'public'")
                .stream().map(row -> (String) row.get("table_name"))
                .filter(table -> DATABASE.count("select count(*) from " + table + " t where lower(to_jsonb(t)::text) "
                        + "like '%' || lower(?) || '%'", email) > 0)
                .toList();
    }
}
