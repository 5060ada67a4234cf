package io.signup.sendemail.function;

import jakarta.enterprise.context.ApplicationScoped;

import io.signup.http.FailureMapping;
import io.signup.http.HttpAnswer;
import io.signup.sendemail.service.InFlightException;
import io.signup.sendemail.service.MailUnavailableException;
import io.signup.sendemail.service.PoisonEventException;
import io.signup.sendemail.service.StateUnavailableException;

/**
 * Answers in Knative's delivery terms: 400 for an event that can never succeed (Knative does not retry it), 503 for a
 * mail server or database that may answer later, 409 while another delivery sends the same event (Knative retries
 * both with backoff, then dead-letters the event).
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
        if (FailureMapping.find(failure, StateUnavailableException.class) != null) {
            return new HttpAnswer(503, "delivery records unavailable, retry later", RETRY_AFTER_SECONDS);
        }
        if (FailureMapping.find(failure, InFlightException.class) != null) {
            return new HttpAnswer(409, "this event is being sent by another delivery, retry later", RETRY_AFTER_SECONDS);
        }
        return null;
    }
}
