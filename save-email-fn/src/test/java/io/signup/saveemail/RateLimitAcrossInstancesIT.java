package io.signup.saveemail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.signup.peers.Addresses;
import io.signup.peers.FunctionProcess;
import io.signup.peers.TestDatabase;

/**
 * The abuse limits live in Postgres, not in a process: two packaged instances of save-email-fn on one database share
 * the counts, as Knative replicas do and as a function does after scaling to zero and back.
 */
class RateLimitAcrossInstancesIT {

    private static final Path LOGS = Path.of("target", "rate-limit-it");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestDatabase database;
    private static FunctionProcess first;
    private static FunctionProcess second;
    private static FunctionProcess withDefaults;

    @BeforeAll
    static void startTwoInstancesAndOneWithTheDefaults() {
        database = new TestDatabase();
        database.start();
        Path root = FunctionProcess.projectRoot();
        Map<String, String> env = new HashMap<>(FunctionProcess.saveEmailEnvironment(database, null,
                List.of("http://localhost:8080")));
        withDefaults = FunctionProcess.start(root, "save-email-fn", env, LOGS.resolve("defaults"));
        env.putAll(Map.of("SIGNUP_LIMITS_CLIENT_MAX", "5", "SIGNUP_LIMITS_CLIENT_WINDOW", "10m",
                "SIGNUP_LIMITS_MAILBOX_MAX", "3", "SIGNUP_LIMITS_MAILBOX_WINDOW", "1h"));
        first = FunctionProcess.start(root, "save-email-fn", env, LOGS.resolve("first"));
        second = FunctionProcess.start(root, "save-email-fn", env, LOGS.resolve("second"));
    }

    @AfterAll
    static void stop() {
        for (FunctionProcess process : new FunctionProcess[] { first, second, withDefaults }) {
            if (process != null) {
                process.close();
            }
        }
        database.stop();
    }

    @Test
    void oneClientAddressIsLimitedAcrossInstancesWith429AndRetryAfter() throws Exception {
        String client = "198.51.100.20";
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> response = signUp(i % 2 == 0 ? first : second, client, Addresses.unique("c" + i));
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                refused = response;
            }
        }

        assertEquals(List.of(200, 200, 200, 200, 200, 429, 429, 429), statuses);
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 600, "within the 10-minute window: " + retryAfter);
        assertTrue(refused.body().contains("too many signups"), refused.body());
        assertEquals(200, signUp(second, "198.51.100.21", Addresses.unique("other")).statusCode(), "another client is not held");
    }

    @Test
    void oneMailboxIsLimitedWhateverItsPlusTagOrClient() throws Exception {
        String victim = "victim" + UUID.randomUUID().toString().substring(0, 6);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(signUp(i % 2 == 0 ? first : second, "198.51.100." + (100 + i),
                    victim + "+" + i + "@example.com").statusCode());
        }
        assertEquals(List.of(200, 200, 200, 429, 429), statuses);
        assertEquals(3, database.count("select count(*) from subscriber where email like ?", victim + "+%"));
    }

    @Test
    void theDefaultsRefuseSomeOfSixtySignupsInAMinuteFromOneClient() throws Exception {
        int refused = 0;
        for (int i = 0; i < 60; i++) {
            int status = signUp(withDefaults, "198.51.100.60", Addresses.unique("d" + i)).statusCode();
            assertTrue(status == 200 || status == 429, "status " + status);
            refused += status == 429 ? 1 : 0;
        }
        assertTrue(refused > 0 && refused < 60, refused + " of 60 refused");
    }

    private static HttpResponse<String> signUp(FunctionProcess instance, String client, String email)
            throws Exception {
        // Loopback is a trusted proxy by default, as the queue-proxy is on Knative: the forwarded address counts.
        return HTTP.send(HttpRequest.newBuilder(URI.create(instance.url() + "/saveEmail"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", client)
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
