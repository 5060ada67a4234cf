package io.signup.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.cloudevents.CloudEvent;

class SignupEventTest {

    @ParameterizedTest
    @EnumSource(SignupEvent.class)
    void cloudEventCarriesTheContractAttributesAndTheGivenId(SignupEvent type) {
        UUID id = UUID.randomUUID();
        Instant time = Instant.parse("2026-11-25T10:15:30.123456Z");
        CloudEvent event = type.cloudEvent(id, time, "{}".getBytes(StandardCharsets.UTF_8));

        assertEquals(id.toString(), event.getId());
        assertEquals(type.type(), event.getType());
        assertEquals(URI.create(SignupEvent.SOURCE), event.getSource());
        assertEquals(time, event.getTime().toInstant());
        assertEquals("application/json", event.getDataContentType());
        assertEquals(type.dataSchema(), event.getDataSchema());
        assertEquals("{}", new String(event.getData().toBytes(), StandardCharsets.UTF_8));
        assertEquals(Optional.of(type), SignupEvent.ofType(type.type()));
    }

    @Test
    void typesAreDistinctVersionedAndFoundOnlyByTheirExactName() {
        assertEquals(SignupEvent.values().length,
                java.util.Arrays.stream(SignupEvent.values()).map(SignupEvent::type).distinct().count());
        for (SignupEvent event : SignupEvent.values()) {
            assertTrue(event.type().matches("io\\.signup\\.subscription\\.[a-z]+\\.v1"), event.type());
        }
        assertEquals(Optional.empty(), SignupEvent.ofType("io.signup.subscription.created.v1"));
        assertEquals(Optional.empty(), SignupEvent.ofType(null));
    }

    @Test
    void tokensAreLongRandomAndStoredOnlyAsAHash() {
        String token = LinkToken.generate();
        assertTrue(LinkToken.isWellFormed(token));
        assertEquals(43, token.length(), "256 bits, base64url");
        assertNotEquals(token, LinkToken.generate());
        assertEquals(64, LinkToken.hash(token).length());
        assertFalse(LinkToken.hash(token).contains(token));
        assertFalse(LinkToken.isWellFormed(token.substring(1)));
        assertFalse(LinkToken.isWellFormed(token.substring(1) + "="));
        assertFalse(LinkToken.isWellFormed(null));
    }

    @Test
    void linksJoinBaseAndPathWithAnEncodedToken() {
        assertEquals(URI.create("https://signup.example/confirm?token=abc-_"),
                Links.withToken(URI.create("https://signup.example/"), Links.CONFIRM_PAGE, "abc-_"));
        assertEquals(URI.create("https://signup.example/done/already-confirmed"),
                Links.result(URI.create("https://signup.example"), PageOutcome.ALREADY_CONFIRMED));
        assertEquals(Optional.of(PageOutcome.INVALID_LINK), PageOutcome.ofSlug("invalid-link"));
    }

    @Test
    void nameIsTrimmedAndBlankMeansNone() {
        assertEquals("Ann Lee", PersonName.normalize("  Ann Lee "));
        assertNull(PersonName.normalize("   "));
        assertNull(PersonName.normalize(null));
        assertEquals("n".repeat(100), PersonName.normalize("n".repeat(100)));
    }

    @Test
    void nameMustBeShortPlainText() {
        assertThrows(InvalidSignupException.class, () -> PersonName.normalize("n".repeat(101)));
        assertThrows(InvalidSignupException.class, () -> PersonName.normalize("Ann\r\nBcc: eve@x.com"));
    }
}
