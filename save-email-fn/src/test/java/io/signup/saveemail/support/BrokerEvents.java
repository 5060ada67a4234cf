package io.signup.saveemail.support;

import static io.signup.saveemail.support.SaveEmailTestEnvironment.SINK;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.signup.contract.SignupEvent;
import io.signup.peers.RecordingSink.Received;

/** What reached the stand-in Broker, by the address in the event data. */
public final class BrokerEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BrokerEvents() {
    }

    /** Every event about {@code email}, in the order they arrived. */
    public static List<Received> eventsFor(String email) {
        return SINK.received().stream().filter(event -> email.equals(data(event).path("email").asText(null))).toList();
    }

    /** The events of {@code type} about {@code email}. */
    public static List<Received> eventsFor(String email, SignupEvent type) {
        return eventsFor(email).stream().filter(event -> type.type().equals(event.header("ce-type"))).toList();
    }

    /** The one event of {@code type} about {@code email}; fails when there is not exactly one. */
    public static Received single(String email, SignupEvent type) {
        List<Received> events = eventsFor(email, type);
        if (events.size() != 1) {
            throw new AssertionError(events.size() + " " + type.type() + " events for " + email);
        }
        return events.get(0);
    }

    public static JsonNode data(Received event) {
        try {
            return JSON.readTree(event.body());
        } catch (Exception notJson) {
            return JSON.missingNode();
        }
    }
}
