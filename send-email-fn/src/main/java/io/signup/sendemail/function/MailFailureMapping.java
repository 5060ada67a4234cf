package io.signup.sendemail.function;

import jakarta.enterprise.context.ApplicationScoped;

import io.signup.http.FailureMapping;
import io.signup.http.HttpAnswer;
import io.signup.sendemail.service.MailUnavailableException;
import io.signup.sendemail.service.PoisonEventException;

/**
 * Answers in Knative's delivery terms: 400 for an event that can never succeed (Knative does not retry it), 503 for a
 * mail server that may take it later (Knative retries with backoff, then dead-letters it).
 */
@ApplicationScoped
public class MailFailureMapping implements FailureMapping {

    private static final int RETRY_AFTER_SECONDS = 10;

    @Override
    public HttpAnswer answer(Throwable failure) {
        PoisonEventException poison = FailureMapping.find(failure, PoisonEventException.class);
        if (poison != null) {
            return HttpAnswer.of(400, poison.getMessage());
        }
        if (FailureMapping.find(failure, MailUnavailableException.class) != null) {
            return new HttpAnswer(503, "mail server unavailable, retry later", RETRY_AFTER_SECONDS);
        }
        return null;
    }
}
