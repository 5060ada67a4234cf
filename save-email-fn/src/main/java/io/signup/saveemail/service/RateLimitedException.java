package io.signup.saveemail.service;

import java.time.Duration;

/** A signup over an abuse limit: the caller may try again after {@link #retryAfter()}. */
public class RateLimitedException extends RuntimeException {

    private final Duration retryAfter;

    public RateLimitedException(Duration retryAfter) {
        super("too many signups, try again later", null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
