package io.signup.contract;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The result pages of render-html-fn that save-email-fn redirects form posts to ({@link Links#result}). */
public enum PageOutcome {
    /** A signup was accepted: check your inbox (the same page whatever the address's state). */
    SIGNED_UP,
    /** The address was refused (the page explains the rules). */
    INVALID_EMAIL,
    /** A limit was reached: try later. */
    TOO_MANY,
    /** The database was away: try again in a moment. */
    UNAVAILABLE,
    CONFIRMED,
    ALREADY_CONFIRMED,
    EXPIRED,
    /** An unknown or malformed link. */
    INVALID_LINK,
    UNSUBSCRIBED;

    /** {@code SIGNED_UP} is {@code signed-up}. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<PageOutcome> ofSlug(String slug) {
        return Arrays.stream(values()).filter(outcome -> outcome.slug().equals(slug)).findFirst();
    }
}
