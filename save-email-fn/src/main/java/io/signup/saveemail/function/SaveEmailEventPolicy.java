package io.signup.saveemail.function;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.cloudevents.CloudEvent;
import io.signup.http.EventPolicy;

/**
 * save-email-fn takes a PingSource's event (republish the outbox) and its functions called as events, at {@code /}
 * (where Knative delivers); {@code POST /saveEmail} and {@code POST /republishOutbox} also take plain JSON.
 */
@ApplicationScoped
public class SaveEmailEventPolicy implements EventPolicy {

    private static final Set<String> TYPES = Set.of(SaveEmailFunctions.PING_EVENT_TYPE, "saveEmail",
            "republishOutbox");

    @Override
    public String refusal(CloudEvent event) {
        return TYPES.contains(event.getType()) ? null : "not an event type this function takes: " + event.getType();
    }

    @Override
    public boolean eventsOnly(String path) {
        return path.equals("/");
    }
}
