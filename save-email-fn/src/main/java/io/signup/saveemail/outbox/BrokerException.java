package io.signup.saveemail.outbox;

/** The Broker did not accept an event. {@code status} is its HTTP answer, or 0 when none came (down, timeout). */
public class BrokerException extends RuntimeException {

    private final int status;

    public BrokerException(String message, int status) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
