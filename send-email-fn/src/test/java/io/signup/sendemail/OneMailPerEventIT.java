package io.signup.sendemail;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

import io.signup.contract.Senders;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.peers.FunctionProcess;
import io.signup.peers.ScriptedSmtpServer;
import io.signup.peers.TestDatabase;
import io.signup.sendemail.support.As;
import io.signup.sendemail.support.Events;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * One mail per event, whichever replica a delivery reaches and however late the mail server answers: two packaged
 * instances of send-email-fn share one Postgres, as Knative replicas (or an instance after scale-to-zero) do. And
 * what the guarantee setting decides when an instance dies between the server taking a mail and its own record.
 */
class OneMailPerEventIT {

    private static final Path LOGS = Path.of("target", "one-mail-it");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Path ROOT = FunctionProcess.projectRoot();

    private static TestDatabase database;
    private static ScriptedSmtpServer smtp;
    private static FunctionProcess first;
    private static FunctionProcess second;

    @BeforeAll
    static void startTwoInstances() {
        database = new TestDatabase();
        database.start();
        database.migrate(ROOT.resolve("save-email-fn/src/main/resources/db/migration"));
        smtp = new ScriptedSmtpServer();
        first = start("first", Map.of());
        second = start("second", Map.of());
    }

    /** An instance on the shared database and mail server, with a 1 s send timeout and a 20 s lease unless told. */
    private static FunctionProcess start(String name, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(FunctionProcess.databaseEnvironment(database));
        env.putAll(Map.of(
                "QUARKUS_MAILER_HOST", "localhost", "QUARKUS_MAILER_PORT", Integer.toString(smtp.port()),
                "QUARKUS_MAILER_START_TLS", "DISABLED", "QUARKUS_MAILER_TIMEOUT", "30s",
                "SIGNUP_MAIL_SEND_TIMEOUT", "1s", "SIGNUP_MAIL_LEASE", "20s"));
        env.put("QUARKUS_OIDC_AUTH_SERVER_URL", SendEmailTestEnvironment.ISSUER.url());
        env.putAll(settings);
        return FunctionProcess.start(ROOT, "send-email-fn", env, LOGS.resolve(name));
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
        smtp.beforeAcknowledging(null);
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

    @Test
    void aSenderKilledInTheCrashWindowIsMailedAgainWithTheSameMessageIdByDefault() {
        String email = Addresses.unique("window");
        String id = UUID.randomUUID().toString();
        String data = Events.requested(email, null);

        // Knative redelivers; once the dead instance's lease has ended, a survivor takes its claim over.
        killInTheCrashWindowThenRedeliver(email, id, data, first);

        List<ScriptedSmtpServer.Accepted> mails = smtp.acceptedFor(email);
        assertEquals(2, mails.size(), "at least once: the mail that may have arrived is sent again");
        assertEquals(messageId(mails.get(0)), messageId(mails.get(1)), "with the same Message-ID");
        assertEquals(Map.of("state", "SENT", "takeovers", 1), delivery(id));
        assertEquals(204, deliver(second, id, data));
        assertEquals(2, smtp.acceptedFor(email).size(), "and never a third time");
    }

    @Test
    void underAtMostOnceASenderKilledInTheCrashWindowLeavesOneMailAndAnOutcomeUnknown() {
        String email = Addresses.unique("unknown");
        String id = UUID.randomUUID().toString();
        String data = Events.requested(email, null);
        FunctionProcess cautious = start("at-most-once", Map.of("SIGNUP_MAIL_GUARANTEE", "at-most-once"));
        try {
            killInTheCrashWindowThenRedeliver(email, id, data, cautious);
        } finally {
            cautious.close();
        }

        assertEquals(1, smtp.acceptedFor(email).size(), "at most once: not sent again");
        assertEquals(Map.of("state", "UNKNOWN", "takeovers", 1), delivery(id));
        assertEquals(204, deliver(first, id, data), "an unknown outcome is settled, whatever the instance's setting");
        assertEquals(1, smtp.acceptedFor(email).size());
    }

    /**
     * Delivers to an instance with a 2 s lease that the mail server kills (kill -9) once it has taken the mail and
     * before it says 250: the mail is with the server, the instance never recorded it. Then redelivers to
     * {@code survivor} until it answers 204.
     */
    private static void killInTheCrashWindowThenRedeliver(String email, String id, String data,
            FunctionProcess survivor) {
        FunctionProcess victim = start("victim-" + id, Map.of("SIGNUP_MAIL_LEASE", "2s"));
        smtp.beforeAcknowledging(message -> {
            if (message.recipients().contains(email)) {
                victim.kill();
            }
        });
        assertThrows(IllegalStateException.class, () -> deliver(victim, id, data), "no answer: killed mid-send");
        assertEquals(1, smtp.acceptedFor(email).size(), "the server has the mail");
        assertEquals("SENDING", delivery(id).get("state"), "the claim is left behind");
        await().atMost(Duration.ofSeconds(15)).until(() -> deliver(survivor, id, data) == 204);
    }

    private static Map<String, Object> delivery(String id) {
        Map<String, Object> row = database.query("select state, takeovers from mail_delivery where event_key like ?",
                "% " + id).get(0);
        return Map.of("state", row.get("state"), "takeovers", row.get("takeovers"));
    }

    private static String messageId(ScriptedSmtpServer.Accepted mail) {
        return mail.data().lines().filter(line -> line.regionMatches(true, 0, "Message-ID:", 0, 11)).findFirst()
                .orElseThrow(() -> new AssertionError("no Message-ID in " + mail.data()));
    }

    private static int deliver(FunctionProcess instance, String id, String data) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(instance.url() + "/"))
                    .header("Authorization", SendEmailTestEnvironment.ISSUER.bearer(
                            Senders.trigger("send-confirmation-mail"), As.AUDIENCE))
                    .header("ce-specversion", "1.0").header("ce-id", id)
                    .header("ce-type", SignupEvent.REQUESTED.type()).header("ce-source", SignupEvent.SOURCE)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(data)).build(), BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
