package io.signup.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AddressKeyTest {

    private static final String SECRET = "a-secret-of-at-least-32-characters!";

    @Test
    void isTheHmacOfTheLowerCaseAddressAndDependsOnTheSecret() {
        // Computed apart from the JDK: printf '%s' 'ann@example.com' | openssl dgst -sha256 -hmac '<SECRET>'
        assertEquals("6b946e217c041a362ef52fa03de444f734742c17ca978d9d62d6646538143d53",
                AddressKey.of(SECRET, EmailAddress.parse("Ann@Example.COM")));
        assertEquals(64, AddressKey.of(SECRET, EmailAddress.parse("ann@example.com")).length());
        assertNotEquals(AddressKey.of(SECRET, EmailAddress.parse("ann@example.com")),
                AddressKey.of(SECRET + "x", EmailAddress.parse("ann@example.com")));
        assertThrows(IllegalArgumentException.class, () -> AddressKey.of("short", EmailAddress.parse("a@example.com")));
    }
}
