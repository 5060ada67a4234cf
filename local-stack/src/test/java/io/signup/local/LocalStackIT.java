package io.signup.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.signup.contract.Senders;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.peers.FunctionProcess;
import io.signup.peers.HeadlessChromium;
import io.signup.peers.PrometheusText;

/**
 * What {@code make run} gives a new user, end to end on free ports with the packaged functions and the local Broker:
 * a person signs up in Chromium, confirms through the link in the confirmation mail, gets the welcome mail with
 * RFC 8058 one-click unsubscribe, unsubscribes with one POST, and gets no mail after that.
 */
class LocalStackIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern CONFIRM_LINK = Pattern.compile("(http://\\S+/confirm\\?token=[A-Za-z0-9_-]{43})");

    private static LocalStack stack;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        Path root = FunctionProcess.projectRoot();
        stack = LocalStack.start(new StackSettings(root, Files.createTempDirectory("signup-run"),
                FunctionProcess.freePort(), FunctionProcess.freePort(), FunctionProcess.freePort(),
                FunctionProcess.freePort(), FunctionProcess.freePort(), FunctionProcess.freePort(),
                FunctionProcess.freePort(), FunctionProcess.freePort()));
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
    void signUpConfirmWelcomeOneClickUnsubscribeAndNoMailAfter() throws Exception {
        String email = Addresses.unique("ann");

        long signedUp = System.nanoTime();
        signUp(stack.pageUrl(), email);
        JsonNode confirmation = await().atMost(WAIT).until(() -> mailTo(email, "confirm"), mail -> mail != null);
        long confirmationMs = (System.nanoTime() - signedUp) / 1_000_000;
        assertEquals("PENDING", status(email));
        Matcher link = CONFIRM_LINK.matcher(confirmation.get("text").asText());
        assertTrue(link.find(), confirmation.get("text").asText());

        browser.get(link.group(1));
        assertEquals("PENDING", status(email), "opening the link changes nothing");
        long confirmed = System.nanoTime();
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/done/confirmed"));
        assertEquals("You are subscribed", browser.findElement(By.tagName("h1")).getText());
        assertEquals("CONFIRMED", status(email));

        JsonNode welcome = await().atMost(WAIT).until(() -> mailTo(email, "Welcome"), mail -> mail != null);
        long welcomeMs = (System.nanoTime() - confirmed) / 1_000_000;
        String listUnsubscribe = welcome.get("headers").get("List-Unsubscribe").asText();
        assertEquals("List-Unsubscribe=One-Click", welcome.get("headers").get("List-Unsubscribe-Post").asText());
        assertNotNull(welcome.get("headers").get("Message-ID"));
        assertTrue(welcome.get("text").asText().contains("/unsubscribe?token="), "a visible unsubscribe link");
        System.out.printf("make run: signup -> confirmation mail %d ms, confirm -> welcome mail %d ms%n",
                confirmationMs, welcomeMs);

        // What a mail client does for RFC 8058: one POST, no cookie, no page.
        HttpResponse<String> oneClick = HTTP.send(HttpRequest.newBuilder(URI.create(
                        listUnsubscribe.substring(1, listUnsubscribe.length() - 1)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), BodyHandlers.ofString());
        assertEquals(200, oneClick.statusCode(), oneClick.body());
        assertEquals("UNSUBSCRIBED", status(email));
        await().atMost(WAIT).until(() -> delivered(SignupEvent.UNSUBSCRIBED, email));
        assertEquals(2, mails(email).size(), "confirmation and welcome, nothing after unsubscribing");

        theTimelineShowsEachEventsWholePath(email, confirmation, welcome);
    }

    /**
     * What make event prints for the address, and what the inbox's timeline link shows: each event stored,
     * published, delivered by its Trigger and mailed with the Message-ID the mail carries.
     */
    private static void theTimelineShowsEachEventsWholePath(String email, JsonNode confirmation, JsonNode welcome)
            throws Exception {
        // An event's publish mark may follow its delivery by up to save-email-fn's mark delay (outbox.PublishMarks).
        Timeline.Answer answer = await().atMost(WAIT).until(() -> stack.timeline().ofAddress(email),
                path -> path.events().size() == 3
                        && path.events().stream().allMatch(event -> whats(event).contains("published")));
        String text = Timeline.text(answer);
        System.out.println("make event EMAIL=" + email + ":\n" + text);
        assertEquals(List.of(SignupEvent.REQUESTED.type(), SignupEvent.CONFIRMED.type(), SignupEvent.UNSUBSCRIBED.type()),
                answer.events().stream().map(Timeline.Path::type).toList(), text);
        assertEquals(List.of("stored", "published", "delivered", "mailed"), whats(answer.events().get(0)), text);
        assertEquals(List.of("stored", "published", "delivered", "mailed"), whats(answer.events().get(1)), text);
        assertEquals(List.of("stored", "published", "delivered"), whats(answer.events().get(2)), text);
        assertTrue(detail(answer.events().get(0), "delivered").startsWith("Trigger send-confirmation-mail -> "), text);
        assertTrue(detail(answer.events().get(1), "delivered").startsWith("Trigger send-welcome-mail -> "), text);
        assertTrue(detail(answer.events().get(0), "published").startsWith("the Broker answered 202"), text);
        assertTrue(detail(answer.events().get(0), "mailed").contains(confirmation.get("headers").get("Message-ID")
                .asText()), text);

        browser.get(stack.inbox().url());
        browser.findElement(By.cssSelector("a.timeline")).click(); // the newest mail first: the welcome
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.titleContains("Timeline"));
        String page = browser.findElement(By.tagName("body")).getText();
        assertTrue(page.contains(SignupEvent.CONFIRMED.type()) && page.contains("send-welcome-mail")
                && page.contains(welcome.get("headers").get("Message-ID").asText()), page);
    }

    private static List<String> whats(Timeline.Path event) {
        return event.steps().stream().map(Timeline.Step::what).toList();
    }

    private static String detail(Timeline.Path event, String what) {
        return event.steps().stream().filter(step -> step.what().equals(what)).findFirst().orElseThrow().detail();
    }

    @Test
    void thePageWorksFromBothOriginsMakeRunServesItUnder() {
        for (String host : List.of("localhost", "127.0.0.1")) {
            String email = Addresses.unique("origin");
            signUp(stack.pageOrigin(host) + "/", email);
            assertEquals(1, stack.database().count("select count(*) from subscriber where email = ?", email), host);
        }
    }

    @Test
    void aRepeatedSignupOfAPendingAddressSendsNoSecondConfirmation() throws Exception {
        String email = Addresses.unique("rep");
        signUp(stack.pageUrl(), email);
        await().atMost(WAIT).until(() -> mailTo(email, "confirm") != null);

        int eventsBefore = stack.broker().received().size();
        signUp(stack.pageUrl(), email.toUpperCase().replace("@EXAMPLE.COM", "@Example.com"));
        assertEquals(eventsBefore, stack.broker().received().size(), "a repeated address emits no event");
        assertEquals(1, mails(email).size(), "and sends no second mail");
    }

    @Test
    void aMailServerDownDuringASignupDeliversTheMailOnceItIsBack() throws Exception {
        String email = Addresses.unique("bob");
        stack.inbox().stopSmtp();
        try {
            signUp(stack.pageUrl(), email);
            await().atMost(WAIT).until(() -> stack.broker().deliveries().stream()
                    .anyMatch(d -> d.outcome().equals("retrying") && d.status() == 503));
        } finally {
            stack.inbox().startSmtp();
        }
        // Within the Broker's retry budget from knative/10-broker.yaml (8 retries, exponential from 0.5 s).
        await().atMost(Duration.ofSeconds(60)).until(() -> mails(email).size() == 1);
    }

    /**
     * A pod that is not ours forges a confirmation for someone who never asked: the Broker refuses it without a token
     * (401) and with its own identity (403, no EventPolicy names it); posted straight to send-email-fn with a token
     * of its own, it is refused (403) too; and with the Broker's audience replayed there, 401. No mail goes out.
     */
    @Test
    void aForgedConfirmationFromAPodThatIsNotOursSendsNoMail() throws Exception {
        String victim = Addresses.unique("victim");
        String stranger = "system:serviceaccount:signup:default";
        String broker = Senders.brokerAudience("signup");
        String sendEmail = Senders.audience("send-email-fn");

        assertEquals(401, forgedConfirmation(stack.broker().url(), null, victim));
        assertEquals(403, forgedConfirmation(stack.broker().url(), stack.issuer().bearer(stranger, broker), victim));
        URI function = URI.create(stack.sendUrl() + "/");
        assertEquals(403, forgedConfirmation(function, stack.issuer().bearer(stranger, sendEmail), victim));
        assertEquals(401, forgedConfirmation(function, stack.issuer().bearer(Senders.trigger("send-welcome-mail"),
                broker), victim));

        // A real signup goes through meanwhile, so the forged one would have been mailed by the time it is.
        String control = Addresses.unique("control");
        signUp(stack.pageUrl(), control);
        await().atMost(WAIT).until(() -> mailTo(control, "confirm") != null);
        assertEquals(List.of(), mails(victim), "no mail to an address that never asked");
        assertTrue(stack.broker().received().stream().noneMatch(event -> new String(event.getData().toBytes())
                .contains(victim)), "the Broker took nothing forged");
    }

    /**
     * A Trigger whose token names another audience (a misconfigured Trigger, or a token replayed from elsewhere):
     * send-email-fn refuses each delivery with 401 and the reason, Knative does not retry it, and the dead letter
     * keeps the reason for an operator to read. No mail goes out.
     */
    @Test
    void aDeliveryRefusedForItsTokenEndsInTheDeadLettersWithTheReason() throws Exception {
        KnativeConfig misaddressed = KnativeConfig.load(FunctionProcess.projectRoot().resolve("knative"));
        misaddressed.triggers().forEach(trigger -> trigger.getSpec().getSubscriber()
                .setAudience(Senders.audience("save-email-fn")));
        String victim = Addresses.unique("misaddressed");
        CloudEvent event = CloudEventBuilder.v1().withId(java.util.UUID.randomUUID().toString())
                .withType(SignupEvent.REQUESTED.type()).withSource(URI.create(SignupEvent.SOURCE))
                .withDataContentType("application/json").withData(("{\"email\":\"" + victim + "\",\"name\":null,"
                        + "\"confirmToken\":\"" + "A".repeat(43) + "\",\"expiresAt\":\"2099-01-01T00:00:00Z\","
                        + "\"requestedAt\":\"2026-01-01T00:00:00Z\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .build();
        try (LocalBroker broker = new LocalBroker(misaddressed, name -> URI.create(stack.sendUrl() + "/"),
                stack.issuer(), 0)) {
            broker.ingest(event);
            JsonNode letter = await().atMost(WAIT).until(() -> deadLetter(event.getId()), found -> found != null);
            assertEquals("401", letter.get("errorCode").asText(), letter.toString());
            assertTrue(letter.get("errorData").asText().contains("token is addressed to another audience"),
                    letter.toString());
            assertEquals(1, broker.deliveries().size(), "not retried: " + broker.deliveries());
        }
        assertEquals(List.of(), mails(victim));
    }

    private static JsonNode deadLetter(String id) throws Exception {
        HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create(stack.sendUrl() + "/dead-letters"))
                .header("Authorization", stack.operatorAuthorization("send-email-fn")).build(), BodyHandlers.ofString());
        for (JsonNode letter : JSON.readTree(list.body())) {
            if (letter.get("id").asText().equals(id)) {
                return letter;
            }
        }
        return null;
    }

    private static int forgedConfirmation(URI target, String authorization, String email) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).header("ce-specversion", "1.0")
                .header("ce-id", java.util.UUID.randomUUID().toString())
                .header("ce-type", SignupEvent.CONFIRMED.type()).header("ce-source", SignupEvent.SOURCE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"name\":null,"
                        + "\"unsubscribeToken\":\"" + "A".repeat(43) + "\",\"confirmedAt\":\"" + java.time.Instant.now()
                        + "\"}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), BodyHandlers.discarding()).statusCode();
    }

    /**
     * Every series an alert or the dashboard of monitoring/ reads is exported by a function of the running stack, once
     * a signup went through: renaming a metric breaks this test, not the alert or the panel.
     */
    @Test
    void everyMetricTheAlertsAndTheDashboardReadIsExported() throws Exception {
        String email = Addresses.unique("metrics");
        signUp(stack.pageUrl(), email);
        await().atMost(WAIT).until(() -> mailTo(email, "confirm"), mail -> mail != null);
        Set<String> exported = new TreeSet<>();
        for (String function : List.of(stack.pageUrl(), stack.saveUrl(), stack.sendUrl())) {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create(function).resolve("/q/metrics")).build(),
                    BodyHandlers.ofString()).body();
            PrometheusText.parse(text).forEach(sample -> exported.add(sample.name()));
            assertEquals(1.0, PrometheusText.sum(PrometheusText.parse(text), "function_starts_total", java.util.Map.of()),
                    function + ": one process, one start");
        }
        // The inbox's figures page charts the same functions, once each has been scraped twice (a line needs two
        // points: native executables answer before the first scrape has anything to draw).
        String figures = await().atMost(WAIT).until(() -> HTTP.send(HttpRequest.newBuilder(
                URI.create(stack.inbox().url() + "figures")).build(), BodyHandlers.ofString()).body(),
                page -> !page.contains("not answering yet") && page.contains("<polyline"));
        assertTrue(figures.contains("<h2>save-email-fn</h2>"), figures);
        Path monitoring = FunctionProcess.projectRoot().resolve("monitoring");
        Set<String> read = PromQl.ruleMetricNames(monitoring.resolve("20-prometheusrule-signup.yaml"));
        read.addAll(PromQl.dashboardMetricNames(monitoring.resolve("dashboards/signup-functions.json")));
        assertTrue(read.size() >= 15, "the alerts and panels read metrics: " + read);
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "read by an alert or a panel, exported by no function");
    }

    private static void signUp(String page, String email) {
        browser.get(page);
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Almost done"));
    }

    private static String status(String email) {
        return (String) stack.database().query("select status from subscriber where email = ?", email).get(0)
                .get("status");
    }

    /** Whether an event of {@code type} about {@code email} was delivered by its Trigger. */
    private static boolean delivered(SignupEvent type, String email) {
        return stack.broker().deliveries().stream().filter(d -> d.outcome().equals("delivered")
                        && d.eventType().equals(type.type()))
                .anyMatch(d -> stack.broker().received().stream().anyMatch(e -> e.getId().equals(d.eventId())
                        && new String(e.getData().toBytes()).contains(email)));
    }

    /** The one mail to {@code email} whose subject contains {@code subject}, or null. */
    private static JsonNode mailTo(String email, String subject) throws Exception {
        return mails(email).stream().filter(mail -> mail.get("subject").asText().contains(subject)).findFirst()
                .orElse(null);
    }

    private static List<JsonNode> mails(String email) throws Exception {
        List<JsonNode> mails = new ArrayList<>();
        for (JsonNode mail : JSON.readTree(HTTP.send(HttpRequest.newBuilder(
                URI.create(stack.inbox().url() + "api/messages")).build(), BodyHandlers.ofString()).body())) {
            if (mail.get("to").asText().equals(email)) {
                mails.add(mail);
            }
        }
        return mails;
    }
}
