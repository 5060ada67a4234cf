package io.signup.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The secret in a confirmation or unsubscribe link: 256 bits from a CSPRNG, base64url without padding (43
 * characters). The database keeps only {@link #hash}, so a leaked table confirms or unsubscribes nobody.
 */
public final class LinkToken {

    private static final int BYTES = 32;
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{43}");
    private LinkToken() {
    }

    public static String generate() {
        byte[] bytes = new byte[BYTES];
        Csprng.RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code token} has the shape of a token; anything else is refused before any lookup. */
    public static boolean isWellFormed(String token) {
        return token != null && FORM.matcher(token).matches();
    }

    /** SHA-256, hex: what is stored and looked up. A fast hash is enough for 256 random bits. */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Holds the random source apart from LinkToken, and is initialised at run time (META-INF/native-image/): a native
     * executable initialises classes at build time, which would freeze one seed state into every pod's image.
     */
    private static final class Csprng {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
