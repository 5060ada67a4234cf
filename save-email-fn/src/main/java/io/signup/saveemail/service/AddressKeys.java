package io.signup.saveemail.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key of an address in the suppression and soft-bounce tables, as send-email-fn's Suppressions computes it: the
 * SHA-256 of the canonical address in lower case, in hex.
 */
final class AddressKeys {

    private AddressKeys() {
    }

    static String key(String lowerCaseAddress) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(lowerCaseAddress.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
