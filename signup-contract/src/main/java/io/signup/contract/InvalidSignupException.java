package io.signup.contract;

/**
 * Signup data that breaks the contract's rules ({@link EmailAddress}, {@link SubscriptionCreated#normalizeName}). The
 * message is short and safe to show to the person who typed the data: it never echoes the input.
 */
public final class InvalidSignupException extends IllegalArgumentException {

    public InvalidSignupException(String message) {
        super(message);
    }
}
