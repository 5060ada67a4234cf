package io.signup.contract;

import java.net.IDN;
import java.util.Locale;

import io.signup.contract.InvalidSignupException.Reason;

/**
 * A validated, normalized email address: trimmed, domain lower-cased, local part kept as typed (RFC 5321 says it is
 * case-sensitive, so we must deliver to it unchanged).
 * <p>
 * The rules are deliberately stricter than RFC 5322: no quoted local parts, comments or address literals, so that a
 * valid address can be written into a mail header as it is. Both the producer (before storing) and the consumer
 * (before sending) apply them.
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
            throw new InvalidSignupException(Reason.EMAIL_TOO_LONG,
                    "email must be at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw invalid("email must not contain spaces or control characters");
            }
            if ("<>,\"()[]\\;:".indexOf(c) >= 0) {
                throw invalid("email contains a character that is not allowed");
            }
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
        return new EmailAddress(local, checkDomain(domain).toLowerCase(Locale.ROOT));
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
            if (!Character.isLetterOrDigit(c) && LOCAL_PART_SYMBOLS.indexOf(c) < 0) {
                throw invalid("email contains a character that is not allowed");
            }
        }
    }

    private static String checkDomain(String domain) {
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
        return domain;
    }

    private static InvalidSignupException invalid(String message) {
        return new InvalidSignupException(Reason.EMAIL_INVALID, message);
    }

    public String localPart() {
        return localPart;
    }

    public String domain() {
        return domain;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EmailAddress that && localPart.equals(that.localPart) && domain.equals(that.domain);
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** The normalized address, as stored and as sent. */
    @Override
    public String toString() {
        return localPart + "@" + domain;
    }
}
