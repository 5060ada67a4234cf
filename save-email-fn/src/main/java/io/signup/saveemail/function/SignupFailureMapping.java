package io.signup.saveemail.function;

import jakarta.enterprise.context.ApplicationScoped;

import io.signup.contract.InvalidSignupException;
import io.signup.http.FailureMapping;
import io.signup.http.HttpAnswer;
import io.signup.saveemail.service.DatabaseFailures;

/** Bad input is the caller's to fix (400); a database away is a retry's (503). */
@ApplicationScoped
public class SignupFailureMapping implements FailureMapping {

    private static final int RETRY_AFTER_SECONDS = 5;

    @Override
    public HttpAnswer answer(Throwable failure) {
        InvalidSignupException rejected = FailureMapping.find(failure, InvalidSignupException.class);
        if (rejected != null) {
            return HttpAnswer.of(400, rejected.getMessage());
        }
        if (DatabaseFailures.isTransient(failure)) {
            return new HttpAnswer(503, "temporarily unavailable, please retry", RETRY_AFTER_SECONDS);
        }
        return null;
    }
}
