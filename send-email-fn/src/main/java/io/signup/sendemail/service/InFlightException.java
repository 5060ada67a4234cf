package io.signup.sendemail.service;

/** Another delivery of the same event is being sent right now; this one must come back later. */
public class InFlightException extends RuntimeException {

    public InFlightException() {
        super("this event is being sent by another delivery, retry later", null, false, false);
    }
}
