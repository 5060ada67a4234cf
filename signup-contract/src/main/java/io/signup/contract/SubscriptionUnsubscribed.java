package io.signup.contract;

import java.time.Instant;

/**
 * Data of {@value #TYPE}: the subscriber left; nothing more may be mailed to the address until it is confirmed again.
 *
 * @param email          the canonical address ({@link EmailAddress})
 * @param unsubscribedAt when the unsubscribe took effect
 */
public record SubscriptionUnsubscribed(String email, Instant unsubscribedAt) {

    public static final String TYPE = "io.signup.subscription.unsubscribed.v1";
}
