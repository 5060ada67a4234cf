package io.signup.peers;

import java.util.UUID;

/** Addresses no other test has used, so tests never meet each other's signups, limits or mails. */
public final class Addresses {

    private Addresses() {
    }

    /** {@code <name>.<8 random hex digits>@example.com} */
    public static String unique(String name) {
        return uniqueLocalPart(name) + "@example.com";
    }

    /** {@code <name>.<8 random hex digits>}, for tests that choose the domain. */
    public static String uniqueLocalPart(String name) {
        return name + "." + UUID.randomUUID().toString().substring(0, 8);
    }
}
