package io.signup.saveemail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.signup.peers.Addresses;
import io.signup.peers.FunctionProcess;
import io.signup.peers.RecordingSink;
import io.signup.peers.TestDatabase;

/**
 * A publish mark waits for the next signup's statement (outbox.PublishMarks). When none comes before the process stops,
 * as when Knative scales it to zero, the stop writes it: the Broker took the event, so it must not be sent again.
 */
class PublishMarkAtShutdownIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aMarkNoSignupCarriedIsWrittenWhenTheProcessStops() throws Exception {
        TestDatabase database = new TestDatabase();
        database.start();
        RecordingSink broker = new RecordingSink();
        broker.start();
        try {
            Map<String, String> env = new HashMap<>(FunctionProcess.saveEmailEnvironment(database, broker.url(),
                    List.of("http://localhost:8080")));
            // Only the stop can write it: no timer within the test, and no other signup.
            env.put("SIGNUP_OUTBOX_MARK_DELAY", "1h");
            FunctionProcess function = FunctionProcess.start(FunctionProcess.projectRoot(), "save-email-fn", env,
                    Path.of("target", "publish-mark-it"));
            String email = Addresses.unique("stop");
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(function.url() + "/saveEmail"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(1, broker.received().size(), "the Broker took the event before the answer");
            assertNull(record(database, email).get("published_at"), "its mark waits");

            function.close();

            Map<String, Object> record = record(database, email);
            assertNotNull(record.get("published_at"), "written as the process stopped");
            assertEquals(202, record.get("broker_status"));
        } finally {
            broker.stop();
            database.stop();
        }
    }

    private static Map<String, Object> record(TestDatabase database, String email) {
        return database.query("""
                select o.published_at, o.broker_status from outbox_event o join subscriber s on s.id = o.subscriber_id
                where s.email = ?""", email).get(0);
    }
}
