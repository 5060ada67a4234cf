package io.signup.contract;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;

import io.signup.contract.InvalidSignupException.Reason;

/**
 * A validated address in canonical form: trimmed, the local part kept as typed (RFC 5321 says it is case-sensitive, so
 * we must deliver to it unchanged), the domain in its ASCII form (IDNA, punycode) and lower case. That form is what is
 * stored, deduplicated (ignoring case) and mailed: {@code idn@bücher.example} becomes
 * {@code idn@xn--bcher-kva.example}.
 * <p>
 * The rules are deliberately stricter than RFC 5322 and 6531: no quoted local parts, comments or address literals, so
 * that a valid address can be written into a mail header as it is; a local part only of ASCII, because our mailer has
 * no SMTPUTF8; and nothing invisible (format characters such as zero-width spaces) or that Unicode compatibility
 * normalization (NFKC) would change (full-width letters, ligatures), because such input renders like another address.
 * Both the producer (before storing) and the consumer (before sending) apply them.
 */
public final class EmailAddress {

    public static final int MAX_LENGTH = 254;
    public static final int LOCAL_PART_MAX_LENGTH = 64;
    private static final int DOMAIN_LABEL_MAX_LENGTH = 63;

    /** RFC 5322 atext minus nothing: the characters an unquoted local part may hold besides letters and digits. */
    private static final String LOCAL_PART_SYMBOLS = "!#$%&'*+-/=?^_`{|}~.";

    private final String localPart;
    private final String domain;

    private EmailAddress(String localPart, String domain) {
        this.localPart = localPart;
        this.domain = domain;
    }

    /**
     * Validates and normalizes {@code raw}.
     *
     * @throws InvalidSignupException with a short reason when the address is not acceptable
     */
    public static EmailAddress parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidSignupException(Reason.EMAIL_MISSING, "email is required");
        }
        String address = raw.strip();
        if (address.length() > MAX_LENGTH) {
            throw tooLong();
        }
        address.codePoints().forEach(EmailAddress::checkVisible);
        if (!Normalizer.normalize(address, Normalizer.Form.NFKC).equals(address)) {
            throw invalid("email contains look-alike characters (such as full-width letters): type it plainly");
        }
        int at = address.indexOf('@');
        if (at < 0) {
            throw invalid("email must contain @ and a domain");
        }
        if (at != address.lastIndexOf('@')) {
            throw invalid("email must contain exactly one @");
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        checkLocalPart(local);
        String ascii = asciiDomain(domain);
        if (local.length() + 1 + ascii.length() > MAX_LENGTH) {
            throw tooLong();
        }
        return new EmailAddress(local, ascii);
    }

    private static void checkVisible(int c) {
        if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            throw invalid("email must not contain spaces or control characters");
        }
        if (Character.getType(c) == Character.FORMAT || isDefaultIgnorable(c)) {
            throw invalid("email must not contain invisible characters");
        }
        if ("<>,\"()[]\\;:".indexOf(c) >= 0) {
            throw invalid("email contains a character that is not allowed");
        }
    }

    /** Code points Unicode draws as nothing that are not format characters (fillers, variation selectors). */
    private static boolean isDefaultIgnorable(int c) {
        return c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5 || c == 0x3164 || c == 0xFFA0
                || (c >= 0x180B && c <= 0x180F) || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
    }

    private static void checkLocalPart(String local) {
        if (local.isEmpty()) {
            throw invalid("email must have a part before @");
        }
        if (local.length() > LOCAL_PART_MAX_LENGTH) {
            throw new InvalidSignupException(Reason.EMAIL_TOO_LONG,
                    "the part before @ must be at most " + LOCAL_PART_MAX_LENGTH + " characters");
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw invalid("the part before @ has a misplaced dot");
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c > 0x7F) {
                throw invalid("the part before @ must use only ASCII letters, digits and symbols");
            }
            if (!Character.isLetterOrDigit(c) && LOCAL_PART_SYMBOLS.indexOf(c) < 0) {
                throw invalid("email contains a character that is not allowed");
            }
        }
    }

    /** The domain in IDNA ASCII form, lower case. */
    private static String asciiDomain(String domain) {
        if (domain.isEmpty()) {
            throw invalid("email must have a domain after @");
        }
        String ascii;
        try {
            // Rejects empty labels and anything outside letters, digits and hyphens (in any script).
            ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw invalid("email has an invalid domain");
        }
        if (ascii.endsWith(".") || !ascii.contains(".")) {
            throw invalid("email domain must have a dot, as in example.com");
        }
        for (String label : ascii.split("\\.")) {
            if (label.isEmpty() || label.length() > DOMAIN_LABEL_MAX_LENGTH) {
                throw invalid("email has an invalid domain");
            }
        }
        return ascii.toLowerCase(Locale.ROOT);
    }

    private static InvalidSignupException tooLong() {
        return new InvalidSignupException(Reason.EMAIL_TOO_LONG, "email must be at most " + MAX_LENGTH + " characters");
    }

    private static InvalidSignupException invalid(String message) {
        return new InvalidSignupException(Reason.EMAIL_INVALID, message);
    }

    public String localPart() {
        return localPart;
    }

    /** The ASCII (punycode) domain, lower case. */
    public String domain() {
        return domain;
    }

    /**
     * The mailbox this address delivers to, for abuse limits: lower case, without a {@code +tag} (so
     * {@code victim+1@x} and {@code Victim+2@x} count as one). Never used to send.
     */
    public String mailbox() {
        String local = localPart.toLowerCase(Locale.ROOT);
        int plus = local.indexOf('+');
        return (plus > 0 ? local.substring(0, plus) : local) + "@" + domain;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EmailAddress that && localPart.equals(that.localPart) && domain.equals(that.domain);
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** The canonical address, as stored and as sent. */
    @Override
    public String toString() {
        return localPart + "@" + domain;
    }
}
