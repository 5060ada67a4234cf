package io.signup.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ann@example.com|ann@example.com",
            "'  Ann.Lee@Example.COM \t'|Ann.Lee@example.com",
            "o'brien+news@mail.example.org|o'brien+news@mail.example.org",
            "idn@bücher.example|idn@xn--bcher-kva.example",
            "idn@BÜCHER.Example|idn@xn--bcher-kva.example",
            "idn@xn--bcher-kva.example|idn@xn--bcher-kva.example"
    })
    void normalizesValidAddresses(String raw, String expected) {
        assertEquals(expected, EmailAddress.parse(raw).toString());
    }

    @Test
    void acceptsTheLongestAllowedParts() {
        String local = "a".repeat(64);
        String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com";
        assertEquals(254, (local + "@" + domain).length());
        assertEquals(local + "@" + domain, EmailAddress.parse(local + "@" + domain).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "   ", "plain", "@example.com", "ann@", "ann@example", "ann@@example.com", "a@b@example.com",
            "ann@example.com.", "ann@-example.com", "ann@exa_mple.com", ".ann@example.com", "ann.@example.com",
            "a..b@example.com", "ann lee@example.com", "ann@example.com\r\nBcc: eve@example.com", "ann\u0000@x.com",
            "<ann@example.com>", "ann,bob@example.com", "\"ann\"@example.com", "ann@[127.0.0.1]", "ann@exa mple.com",
            // not ASCII before @: the mailer has no SMTPUTF8
            "josé@example.com", "анна@example.com",
            // invisible: zero-width space, zero-width joiner, soft hyphen, BOM, Hangul filler, variation selector
            "ann\u200B@example.com", "ann@exam\u200Dple.com", "an\u00ADn@example.com", "\uFEFFann@example.com",
            "ann\u3164@example.com", "ann@example.com\uFE0F",
            // changed by NFKC: full-width letters, a ligature, a full-width at sign, superscript digit
            "\uFF41nn@example.com", "\uFB01nn@example.com", "ann\uFF20example.com", "ann@example.co\u00B9"
    })
    void rejectsInvalidAddresses(String raw) {
        assertThrows(InvalidSignupException.class, () -> EmailAddress.parse(raw));
    }

    @Test
    void rejectsNull() {
        assertEquals("email is required",
                assertThrows(InvalidSignupException.class, () -> EmailAddress.parse(null)).getMessage());
    }

    @Test
    void rejectsTooLongAddressAndLocalPart() {
        String domain = "@" + "d".repeat(60) + ".com";
        assertThrows(InvalidSignupException.class, () -> EmailAddress.parse("a".repeat(65) + domain));
        String longDomain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + "." + "e".repeat(60);
        assertThrows(InvalidSignupException.class, () -> EmailAddress.parse("ann@" + longDomain));
    }

    @Test
    void eachRefusalSaysWhyWithAFixedReason() {
        assertEquals(InvalidSignupException.Reason.EMAIL_MISSING,
                assertThrows(InvalidSignupException.class, () -> EmailAddress.parse(" ")).reason());
        assertEquals(InvalidSignupException.Reason.EMAIL_TOO_LONG,
                assertThrows(InvalidSignupException.class, () -> EmailAddress.parse("a".repeat(65) + "@x.com")).reason());
        assertEquals(InvalidSignupException.Reason.EMAIL_INVALID,
                assertThrows(InvalidSignupException.class, () -> EmailAddress.parse("ann@example")).reason());
    }

    @Test
    void invisibleAndLookAlikeInputIsRefusedWithAClearMessage() {
        assertEquals("email must not contain invisible characters", assertThrows(InvalidSignupException.class,
                () -> EmailAddress.parse("ann\u200B@example.com")).getMessage());
        assertTrue(assertThrows(InvalidSignupException.class, () -> EmailAddress.parse("\uFF41nn@example.com"))
                .getMessage().contains("look-alike"));
        assertTrue(assertThrows(InvalidSignupException.class, () -> EmailAddress.parse("josé@example.com"))
                .getMessage().contains("ASCII"));
    }

    @Test
    void theMailboxIgnoresCaseAndPlusTags() {
        assertEquals("victim@example.com", EmailAddress.parse("Victim+17@Example.com").mailbox());
        assertEquals("victim@example.com", EmailAddress.parse("victim@example.com").mailbox());
        assertEquals("+x@example.com", EmailAddress.parse("+x@example.com").mailbox());
        assertEquals("Victim+17@example.com", EmailAddress.parse("Victim+17@Example.com").toString(), "sent as typed");
    }

    @Test
    void thePunycodeFormCountsTowardsTheLengthLimit() {
        String label = "äöüéèàçñìò".repeat(3);
        String raw = "a".repeat(60) + "@" + String.join(".", label, label, label, label, label) + ".example";
        assertTrue(raw.length() < EmailAddress.MAX_LENGTH, "short as typed");
        assertEquals(InvalidSignupException.Reason.EMAIL_TOO_LONG,
                assertThrows(InvalidSignupException.class, () -> EmailAddress.parse(raw)).reason());
    }

    @Test
    void equalAddressesAreEqual() {
        assertEquals(EmailAddress.parse("Ann@EXAMPLE.com"), EmailAddress.parse(" Ann@example.com"));
    }
}
