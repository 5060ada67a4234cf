package io.signup.saveemail.service;

/** Input that can never be stored. The message is short and safe to show to the person who sent it. */
public class SignupRejectedException extends RuntimeException {

    public SignupRejectedException(String message) {
        super(message, null, false, false);
    }
}
