package io.signup.saveemail.outbox;

/**
 * The Broker did not accept an event. {@code status} is its HTTP answer, or 0 when none came (down, timeout, or not
 * sent at all because the circuit breaker is open: then {@link #attempted()} is false).
 */
public class BrokerException extends RuntimeException {

    private final int status;
    private final boolean attempted;
    private final boolean timedOut;

    public BrokerException(String message, int status) {
        this(message, status, true, false);
    }

    private BrokerException(String message, int status, boolean attempted, boolean timedOut) {
        super(message, null, false, false);
        this.status = status;
        this.attempted = attempted;
        this.timedOut = timedOut;
    }

    /** The event was not sent: the breaker refused the attempt. It counts as no attempt of the record's. */
    static BrokerException notAttempted(String message) {
        return new BrokerException(message, 0, false, false);
    }

    /** No answer within the attempt's timeout (connect or response). */
    static BrokerException timedOut(String message) {
        return new BrokerException(message, 0, true, true);
    }

    public boolean timedOut() {
        return timedOut;
    }

    public int status() {
        return status;
    }

    public boolean attempted() {
        return attempted;
    }
}
