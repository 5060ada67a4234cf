package io.signup.contract;

import java.time.Instant;

/**
 * Data of {@value #TYPE}: everything held about an address was erased on its owner's request. It carries no address,
 * only the key the suppression list keeps it under (a keyed hash: who holds the key can tell whether an address they
 * know is the erased one, nobody else can), so that a consumer that keeps data by that key, or learns it from the
 * addresses it holds, erases its own copy.
 *
 * @param addressKey the address's key in the suppression list, 64 hex digits
 * @param erasedAt   when the erasure was done
 */
public record SubscriptionErased(String addressKey, Instant erasedAt) {

    public static final String TYPE = "io.signup.subscription.erased.v1";
}
