package io.signup.contract;

import java.time.Instant;

/**
 * Data of {@value #TYPE}: the address is confirmed; send the welcome mail, with one-click unsubscribe through
 * {@code unsubscribeToken}.
 *
 * @param email            the canonical address ({@link EmailAddress})
 * @param name             the name the person gave, or {@code null}
 * @param unsubscribeToken identifies this subscription in unsubscribe links ({@link LinkToken})
 * @param confirmedAt      when the confirmation button was pressed
 */
public record SubscriptionConfirmed(String email, String name, String unsubscribeToken, Instant confirmedAt) {

    public static final String TYPE = "io.signup.subscription.confirmed.v1";
}
