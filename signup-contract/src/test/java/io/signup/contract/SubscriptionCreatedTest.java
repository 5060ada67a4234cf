package io.signup.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.cloudevents.CloudEvent;

class SubscriptionCreatedTest {

    @Test
    void cloudEventCarriesTheContractAttributesAndTheGivenId() {
        UUID id = UUID.randomUUID();
        Instant time = Instant.parse("2026-11-25T10:15:30.123456Z");
        CloudEvent event = SubscriptionCreated.cloudEvent(id, time, "{}".getBytes(StandardCharsets.UTF_8));

        assertEquals(id.toString(), event.getId());
        assertEquals(SubscriptionCreated.TYPE, event.getType());
        assertEquals(URI.create(SubscriptionCreated.SOURCE), event.getSource());
        assertEquals(time, event.getTime().toInstant());
        assertEquals("application/json", event.getDataContentType());
        assertEquals("{}", new String(event.getData().toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void nameIsTrimmedAndBlankMeansNone() {
        assertEquals("Ann Lee", SubscriptionCreated.normalizeName("  Ann Lee "));
        assertNull(SubscriptionCreated.normalizeName("   "));
        assertNull(SubscriptionCreated.normalizeName(null));
        assertEquals("n".repeat(100), SubscriptionCreated.normalizeName("n".repeat(100)));
    }

    @Test
    void nameMustBeShortPlainText() {
        assertThrows(InvalidSignupException.class, () -> SubscriptionCreated.normalizeName("n".repeat(101)));
        assertThrows(InvalidSignupException.class, () -> SubscriptionCreated.normalizeName("Ann\r\nBcc: eve@x.com"));
    }
}
