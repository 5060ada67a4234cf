package io.signup.http;

/**
 * A function's own reading of its failures: which exceptions are the caller's fault (4xx) and which a retry can fix
 * (503). Each function provides one bean; whatever it does not recognise is a 500.
 */
public interface FailureMapping {

    /** The answer for {@code failure} (anywhere in its cause chain), or {@code null} when it is not recognised. */
    HttpAnswer answer(Throwable failure);

    /** The first {@code type} in the cause chain of {@code failure}, or {@code null}. */
    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
