package io.signup.http;

import io.cloudevents.CloudEvent;

/** Which CloudEvents a function takes, for {@link CloudEventGate}: each function that receives events has one. */
public interface EventPolicy {

    /** Why this valid CloudEvents 1.0 event is not one the function takes (a short reason), or null when it is. */
    String refusal(CloudEvent event);

    /** Whether every POST to {@code path} must be a CloudEvent, even one without {@code ce-} headers. */
    boolean eventsOnly(String path);
}
