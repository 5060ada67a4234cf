package io.signup.saveemail.function;

import jakarta.enterprise.context.ApplicationScoped;

import io.signup.contract.InvalidSignupException;
import io.signup.http.FailureMapping;
import io.signup.http.HttpAnswer;
import io.signup.saveemail.service.DatabaseFailures;
import io.signup.saveemail.service.RateLimitedException;

/** Bad input is the caller's to fix (400); too many signups wait (429); a database away is a retry's (503). */
@ApplicationScoped
public class SignupFailureMapping implements FailureMapping {

    private static final int RETRY_AFTER_SECONDS = 5;

    @Override
    public HttpAnswer answer(Throwable failure) {
        InvalidSignupException rejected = FailureMapping.find(failure, InvalidSignupException.class);
        if (rejected != null) {
            return HttpAnswer.of(400, rejected.getMessage());
        }
        RateLimitedException limited = FailureMapping.find(failure, RateLimitedException.class);
        if (limited != null) {
            // Whole seconds, rounded up, so a client that waits as told is not refused again.
            long seconds = Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000);
            return new HttpAnswer(429, limited.getMessage(), (int) seconds);
        }
        if (DatabaseFailures.isTransient(failure)) {
            return new HttpAnswer(503, "temporarily unavailable, please retry", RETRY_AFTER_SECONDS);
        }
        return null;
    }
}
