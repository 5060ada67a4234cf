package io.signup.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.signup.contract.SubscriptionCreated;
import io.signup.testing.FunctionProcess;
import io.signup.testing.HeadlessChromium;

/**
 * What {@code make run} gives a new user, end to end on free ports: a person signs up in Chromium, the row is in
 * Postgres, the event goes through the local Broker by the Trigger in knative/, and the mail is in the inbox.
 */
class LocalStackIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalStack stack;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        Path root = FunctionProcess.projectRoot();
        stack = LocalStack.start(new LocalStack.Settings(root, Files.createTempDirectory("signup-run"),
                FunctionProcess.freePort(), FunctionProcess.freePort(), FunctionProcess.freePort(),
                FunctionProcess.freePort(), FunctionProcess.freePort(), FunctionProcess.freePort(),
                FunctionProcess.freePort()));
        browser = HeadlessChromium.start(1024, 768);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aSignupInTheBrowserEndsAsAMailInTheInboxAndARepeatSendsNothing() throws Exception {
        String email = "ann." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";

        signUp(email);

        assertEquals(1, stack.database().count("select count(*) from subscriber where email = ?", email));
        String eventId = await().atMost(Duration.ofSeconds(20)).until(() -> deliveredEventFor(email), id -> id != null);
        await().atMost(Duration.ofSeconds(20)).until(() -> mailsTo(email) == 1);

        int eventsBefore = stack.broker().received().size();
        signUp(email.toUpperCase().replace("@EXAMPLE.COM", "@Example.com"));
        assertEquals(eventsBefore, stack.broker().received().size(), "a repeated address emits no event");
        assertEquals(1, mailsTo(email), "and sends no second mail");
        assertEquals(1, stack.broker().deliveries().stream().filter(d -> d.eventId().equals(eventId)).count());
    }

    @Test
    void aMailServerDownDuringASignupDeliversTheMailOnceItIsBack() throws Exception {
        String email = "bob." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        stack.inbox().stopSmtp();
        try {
            signUp(email);
            await().atMost(Duration.ofSeconds(20)).until(() -> stack.broker().deliveries().stream()
                    .anyMatch(d -> d.outcome().equals("retrying") && d.status() == 503));
        } finally {
            stack.inbox().startSmtp();
        }
        // Within the Broker's retry budget from knative/10-broker.yaml (8 retries, exponential from 0.5 s).
        await().atMost(Duration.ofSeconds(60)).until(() -> mailsTo(email) == 1);
    }

    private static void signUp(String email) {
        browser.get(stack.pageUrl());
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Thanks!"));
    }

    /** The id of the event for {@code email} that the send-welcome-email Trigger delivered, or null. */
    private static String deliveredEventFor(String email) throws Exception {
        for (JsonNode delivery : get(stack.broker().url().resolve("/deliveries"))) {
            if (delivery.get("trigger").asText().equals("send-welcome-email")
                    && delivery.get("eventType").asText().equals(SubscriptionCreated.TYPE)
                    && delivery.get("outcome").asText().equals("delivered")
                    && stack.broker().received().stream().anyMatch(e -> e.getId().equals(delivery.get("eventId").asText())
                            && new String(e.getData().toBytes()).contains(email))) {
                return delivery.get("eventId").asText();
            }
        }
        return null;
    }

    private static int mailsTo(String email) throws Exception {
        int count = 0;
        for (JsonNode mail : get(URI.create(stack.inbox().url() + "api/messages"))) {
            if (mail.get("to").asText().equals(email) && mail.get("text").asText().contains(email)) {
                count++;
            }
        }
        return count;
    }

    private static JsonNode get(URI url) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(url).build(), BodyHandlers.ofString()).body());
    }
}
