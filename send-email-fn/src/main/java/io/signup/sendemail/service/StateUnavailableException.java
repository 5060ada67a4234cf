package io.signup.sendemail.service;

/** The database that records what was mailed did not answer: without it, a send could be a second mail. */
public class StateUnavailableException extends RuntimeException {

    public StateUnavailableException(Throwable cause) {
        super("delivery records unavailable: " + cause, cause);
    }
}
