package io.signup.contract;

/**
 * Signup data that breaks the contract's rules ({@link EmailAddress}, {@link PersonName}). The
 * message is short and safe to show to the person who typed the data: it never echoes the input. The reason is one
 * of a fixed set, for metrics and logs.
 */
public final class InvalidSignupException extends IllegalArgumentException {

    /** Why the data was refused; few values, so it can tag a metric. */
    public enum Reason {
        EMAIL_MISSING, EMAIL_TOO_LONG, EMAIL_INVALID, NAME_INVALID, FORM_INVALID;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;

    public InvalidSignupException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
