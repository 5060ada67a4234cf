package io.signup.saveemail.function;

/**
 * The answer to an accepted signup. New and already-subscribed addresses get the same receipt, so the endpoint
 * cannot be used to find out who is subscribed.
 */
public record SignupReceipt(String status) {

    public static final SignupReceipt ACCEPTED = new SignupReceipt("accepted");
}
