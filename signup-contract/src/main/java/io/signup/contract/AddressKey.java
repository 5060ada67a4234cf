package io.signup.contract;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key an address is kept under where the address itself may not be (the suppression list after an erasure or
 * the retention, the soft bounces, the erasure event): HMAC-SHA256 of the canonical address in lower case, with a
 * secret shared by the functions that read and write those tables ({@code SIGNUP_SUPPRESSION_KEY}). A plain hash of
 * an address can be reversed by hashing candidate addresses; without the secret, this one cannot.
 */
public final class AddressKey {

    /** Shorter secrets are refused: the key is only as strong as the secret. */
    public static final int MIN_SECRET_LENGTH = 32;

    private AddressKey() {
    }

    /** The lower-case form the key is made of, as the suppression list stores it while it may. */
    public static String canonical(EmailAddress address) {
        return address.toString().toLowerCase(Locale.ROOT);
    }

    /** 64 hex digits. */
    public static String of(String secret, EmailAddress address) {
        return ofCanonical(secret, canonical(address));
    }

    /** The same, of an address already in {@link #canonical} form. */
    public static String ofCanonical(String secret, String canonicalAddress) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("the address key's secret needs at least " + MIN_SECRET_LENGTH
                    + " characters");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(canonicalAddress.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
