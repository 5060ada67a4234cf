package io.signup.saveemail.function;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.cloudevents.CloudEvent;
import io.signup.http.EventPolicy;

/**
 * save-email-fn takes one kind of event: a PingSource's (republish the outbox), at {@code /} where Knative delivers,
 * or named {@code republishOutbox}; {@code POST /republishOutbox} also takes plain JSON. Signups come only as
 * {@code POST /saveEmail} from the page: as an event, the receipt Funqy answers with would be a reply event that
 * re-enters the Broker, where nothing consumes it.
 */
@ApplicationScoped
public class SaveEmailEventPolicy implements EventPolicy {

    private static final Set<String> TYPES = Set.of(SaveEmailFunctions.PING_EVENT_TYPE, "republishOutbox");

    @Override
    public String refusal(CloudEvent event) {
        return TYPES.contains(event.getType()) ? null : "not an event type this function takes: " + event.getType();
    }

    @Override
    public boolean eventsOnly(String path) {
        return path.equals("/");
    }
}
