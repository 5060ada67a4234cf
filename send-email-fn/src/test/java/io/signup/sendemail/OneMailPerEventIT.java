package io.signup.sendemail;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.peers.FunctionProcess;
import io.signup.peers.ScriptedSmtpServer;
import io.signup.peers.TestDatabase;
import io.signup.sendemail.support.Events;

/**
 * One mail per event, whichever replica a delivery reaches and however late the mail server answers: two packaged
 * instances of send-email-fn share one Postgres, as Knative replicas (or an instance after scale-to-zero) do.
 */
class OneMailPerEventIT {

    private static final Path LOGS = Path.of("target", "one-mail-it");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestDatabase database;
    private static ScriptedSmtpServer smtp;
    private static FunctionProcess first;
    private static FunctionProcess second;

    @BeforeAll
    static void startTwoInstances() {
        database = new TestDatabase();
        database.start();
        Path root = FunctionProcess.projectRoot();
        database.migrate(root.resolve("save-email-fn/src/main/resources/db/migration"));
        smtp = new ScriptedSmtpServer();
        Map<String, String> env = new HashMap<>(FunctionProcess.databaseEnvironment(database));
        env.putAll(Map.of(
                "QUARKUS_MAILER_HOST", "localhost", "QUARKUS_MAILER_PORT", Integer.toString(smtp.port()),
                "QUARKUS_MAILER_START_TLS", "DISABLED", "QUARKUS_MAILER_TIMEOUT", "30s",
                "SIGNUP_MAIL_SEND_TIMEOUT", "1s", "SIGNUP_MAIL_LEASE", "20s"));
        first = FunctionProcess.start(root, "send-email-fn", env, LOGS.resolve("first"));
        second = FunctionProcess.start(root, "send-email-fn", env, LOGS.resolve("second"));
    }

    @AfterAll
    static void stop() {
        for (FunctionProcess process : new FunctionProcess[] { first, second }) {
            if (process != null) {
                process.close();
            }
        }
        smtp.close();
        database.stop();
    }

    @AfterEach
    void answerAtOnceAgain() {
        smtp.acknowledgeDataAfter(Duration.ZERO);
    }

    @Test
    void theSameEventDeliveredToBothInstancesAtOnceIsMailedOnce() {
        String email = Addresses.unique("twin");
        String id = UUID.randomUUID().toString();
        String data = Events.requested(email, null);

        List<Integer> statuses = IntStream.range(0, 8).parallel()
                .mapToObj(i -> deliver(i % 2 == 0 ? first : second, id, data)).toList();

        assertTrue(Set.of(204, 409).containsAll(statuses), "mailed, already mailed, or being mailed: " + statuses);
        // Redeliveries (what Knative does after a 409) until every instance answers 204.
        await().atMost(Duration.ofSeconds(10)).until(() -> deliver(first, id, data) == 204
                && deliver(second, id, data) == 204);
        assertEquals(1, smtp.acceptedFor(email).size(), "one mail");
        assertEquals("SENT", database.query("select state from mail_delivery where event_key like ?", "% " + id)
                .get(0).get("state"));
    }

    @Test
    void aLateAcknowledgementStillGivesExactlyOneMail() {
        String email = Addresses.unique("late");
        String id = UUID.randomUUID().toString();
        String data = Events.requested(email, null);
        smtp.acknowledgeDataAfter(Duration.ofSeconds(3));

        assertEquals(503, deliver(first, id, data), "no answer within the 1 s send timeout");
        assertEquals(409, deliver(second, id, data), "the first send may still succeed: not sent twice");

        // The server's late 250 arrives; a redelivery on either instance then finds the event mailed.
        await().atMost(Duration.ofSeconds(10)).until(() -> deliver(second, id, data) == 204);
        assertEquals(204, deliver(first, id, data));
        assertEquals(1, smtp.acceptedFor(email).size(), "exactly one mail");
    }

    private static int deliver(FunctionProcess instance, String id, String data) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(instance.url() + "/"))
                    .header("ce-specversion", "1.0").header("ce-id", id)
                    .header("ce-type", SignupEvent.REQUESTED.type()).header("ce-source", SignupEvent.SOURCE)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(data)).build(), BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
