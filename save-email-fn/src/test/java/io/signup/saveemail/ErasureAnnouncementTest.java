package io.signup.saveemail;

import static io.signup.saveemail.support.SaveEmailTestEnvironment.DATABASE;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.SINK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.contract.EventSchemas;
import io.signup.contract.SignupEvent;
import io.signup.peers.RecordingSink.Received;
import io.signup.saveemail.support.As;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/**
 * send-email-fn's erasure leaves its announcement in the outbox with no subscriber (the subscriber is gone); the
 * republish run publishes it like any other record, with the contract's attributes, and marks it published.
 */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class ErasureAnnouncementTest {

    @Test
    void anErasureWrittenIntoTheOutboxIsPublishedByTheNextRepublishRun() {
        UUID id = UUID.randomUUID();
        String data = "{\"addressKey\":\"" + "5e".repeat(32) + "\",\"erasedAt\":\"2026-12-07T10:15:30.123456Z\"}";
        DATABASE.execute("""
                insert into outbox_event (id, type, subscriber_id, payload, created_at, available_at, attempts)
                values (?, ?, null, ?, now(), now(), 0)""", id, SignupEvent.ERASED.type(), data);

        As.pingSource().contentType(ContentType.JSON).body("{}").post("/republishOutbox").then().statusCode(204);

        List<Received> published = SINK.received().stream().filter(event -> id.toString().equals(event.header("ce-id")))
                .toList();
        assertEquals(1, published.size());
        assertEquals(SignupEvent.ERASED.type(), published.get(0).header("ce-type"));
        assertEquals(SignupEvent.ERASED.dataSchema().toString(), published.get(0).header("ce-dataschema"));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.ERASED, published.get(0).body()));
        assertNotNull(DATABASE.query("select published_at from outbox_event where id = ?", id).get(0)
                .get("published_at"));
    }
}
