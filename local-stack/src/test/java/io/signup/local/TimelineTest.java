package io.signup.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The order of a timeline's steps: by time, except that the Broker's acceptance, which the database records only once
 * the answer arrived, goes before the deliveries it made possible.
 */
class TimelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPublishMarkedAfterTheDeliveryStartedStillComesFirst() throws Exception {
        JsonNode event = JSON.readTree("""
                {"id": "e1", "outbox": {"type": "t", "storedAt": "2026-01-01T00:00:00.000Z", "failedAttempts": 1,
                  "lastError": "broker answered 503", "brokerStatus": 202, "publishedAt": "2026-01-01T00:00:01.050Z",
                  "subscriberStatus": "PENDING"},
                 "mail": {"state": "SENT", "messageId": "<m@x>", "at": "2026-01-01T00:00:01.100Z", "takeovers": 0}}""");
        JsonNode deliveries = JSON.readTree("""
                [{"eventId": "e1", "eventType": "t", "trigger": "tr", "subscriber": "http://s/", "attempts": 1,
                  "status": 204, "outcome": "delivered", "at": "2026-01-01T00:00:01.040Z"},
                 {"eventId": "other", "eventType": "t", "trigger": "tr", "subscriber": "http://s/", "attempts": 1,
                  "status": 204, "outcome": "delivered", "at": "2026-01-01T00:00:01.000Z"}]""");

        Timeline.Path path = Timeline.path(event, deliveries);

        assertEquals(List.of("stored", "published", "delivered", "mailed"),
                path.steps().stream().map(Timeline.Step::what).toList());
        assertTrue(path.steps().get(1).detail().startsWith("the Broker answered 202 (attempt 2); 1 failed attempt(s)"),
                path.steps().get(1).detail());
        assertEquals("t", path.type());
    }

    @Test
    void aReplayGoesBeforeTheDeliveryItCausedButAfterTheDeadLetterItReplays() throws Exception {
        JsonNode event = JSON.readTree("""
                {"id": "e2", "outbox": null, "mail": null,
                 "deadLetter": {"type": "t", "errorDest": "http://s/", "errorCode": "400", "errorData": "550 no",
                  "firstSeen": "2026-01-01T00:00:00.100Z", "lastSeen": "2026-01-01T00:00:00.100Z", "timesSeen": 1,
                  "replayedAt": "2026-01-01T00:00:05.020Z"}}""");
        JsonNode deliveries = JSON.readTree("""
                [{"eventId": "e2", "trigger": "tr", "subscriber": "http://s/", "attempts": 1, "status": 400,
                  "outcome": "dead-lettered", "answer": "550 no", "at": "2026-01-01T00:00:00.050Z"},
                 {"eventId": "e2", "trigger": "tr", "subscriber": "http://s/", "attempts": 1, "status": 204,
                  "outcome": "delivered", "at": "2026-01-01T00:00:05.010Z"}]""");

        assertEquals(List.of("dead-lettered", "dead letter", "replayed", "delivered"),
                Timeline.path(event, deliveries).steps().stream().map(Timeline.Step::what).toList());
    }
}
