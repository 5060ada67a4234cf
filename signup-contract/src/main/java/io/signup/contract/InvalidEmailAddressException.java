package io.signup.contract;

/**
 * An address that breaks the rules of {@link EmailAddress}. The message is short and safe to show to the person who
 * typed the address: it never echoes the input.
 */
public final class InvalidEmailAddressException extends IllegalArgumentException {

    public InvalidEmailAddressException(String message) {
        super(message);
    }
}
