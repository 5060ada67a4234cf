package io.signup.sendemail.function;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import io.cloudevents.CloudEvent;
import io.signup.contract.SignupEvent;
import io.signup.http.EventPolicy;

/**
 * send-email-fn takes the contract's events a Trigger delivers to it: one of those types, from its source, with JSON
 * data.
 */
@ApplicationScoped
public class SignupEventPolicy implements EventPolicy {

    @Override
    public String refusal(CloudEvent event) {
        // Only the types a Trigger delivers here; the others (suppressed, erased) are for consumers elsewhere.
        if (SignupEvent.ofType(event.getType()).filter(SignupEvent::triggered).isEmpty()) {
            return "not an event type this function takes: " + event.getType();
        }
        if (!SignupEvent.SOURCE.equals(event.getSource().toString())) {
            return "not an event source this function takes: " + event.getSource();
        }
        String dataType = event.getDataContentType() == null ? "" : event.getDataContentType();
        if (event.getData() == null || !dataType.toLowerCase(Locale.ROOT).startsWith(SignupEvent.DATA_CONTENT_TYPE)) {
            return "data must be " + SignupEvent.DATA_CONTENT_TYPE;
        }
        return null;
    }

    /** Only the Broker posts here (the dead letters are answered before the gate): every POST is an event. */
    @Override
    public boolean eventsOnly(String path) {
        return true;
    }
}
