package io.signup.contract;

import java.time.Instant;

/**
 * Data of {@value #TYPE}: send a confirmation mail whose link carries {@code confirmToken}. Only this event and that
 * mail hold the token; save-email-fn keeps its hash.
 *
 * @param email        the canonical address ({@link EmailAddress})
 * @param name         the name the person gave, or {@code null}
 * @param confirmToken the single-use confirmation token ({@link LinkToken})
 * @param expiresAt    when the token stops working
 * @param requestedAt  when the signup was accepted
 */
public record SubscriptionRequested(String email, String name, String confirmToken, Instant expiresAt,
        Instant requestedAt) {

    public static final String TYPE = "io.signup.subscription.requested.v1";
}
