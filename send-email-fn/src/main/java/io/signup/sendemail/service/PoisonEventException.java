package io.signup.sendemail.service;

/** An event that can never succeed, however often it is delivered. The message says why, without echoing data. */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String message) {
        super(message, null, false, false);
    }
}
