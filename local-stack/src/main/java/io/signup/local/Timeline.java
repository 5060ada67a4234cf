package io.signup.local;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.signup.peers.LocalFunction;

/**
 * {@code make event}: what happened to one event, in order. The database's part comes from send-email-fn's
 * {@code /events} (the outbox record: stored, publish attempts, the Broker's answer; the mail: Message-ID, sent,
 * suppressed or unknown; the dead letter: why, how often, replayed). The part between the Broker and the Triggers'
 * subscribers comes from the local Broker's {@code /deliveries}: which Trigger, each attempt, its status and the
 * subscriber's answer (an SMTP refusal shows there). A cluster's Broker keeps no such records: with a Host name (the
 * cluster path, through the internal gateway) only the database's part is shown.
 */
public final class Timeline {

    /** One thing that happened to the event. */
    public record Step(Instant at, String what, String detail) {
    }

    /** One event and its steps, oldest first. */
    public record Path(String id, String type, List<Step> steps) {
    }

    /** What was asked about, and every event found for it. */
    public record Answer(String subject, List<Path> events) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the local Broker records of each attempt (its outcome), the names of the steps it makes. */
    private static final Set<String> DELIVERY_OUTCOMES = Set.of("delivered", "retrying", "dead-lettered");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** Subscribers' answers are short JSON; a line of the timeline keeps their start. */
    private static final int ANSWER_MAX_LENGTH = 200;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final URI sendEmail;
    private final String host;
    private final URI broker;
    private final Supplier<String> authorization;

    /**
     * @param sendEmail     where send-email-fn answers
     * @param host          the Host name to send (a cluster's internal gateway routes by it), or null
     * @param broker        the local Broker, or null when there is none to ask
     * @param authorization an operator's {@code Authorization} toward send-email-fn, fresh on each call
     */
    public Timeline(URI sendEmail, String host, URI broker, Supplier<String> authorization) {
        this.sendEmail = sendEmail;
        this.host = host;
        this.broker = broker;
        this.authorization = authorization;
    }

    public Answer ofEvent(String id) throws IOException {
        JsonNode event = get(sendEmail.resolve("/events/" + encode(id)));
        return new Answer("event " + id, event == null ? List.of() : paths(List.of(event)));
    }

    public Answer ofMessageId(String messageId) throws IOException {
        JsonNode event = get(sendEmail.resolve("/events?message-id=" + encode(messageId)));
        return new Answer("the mail " + messageId, event == null ? List.of() : paths(List.of(event)));
    }

    public Answer ofAddress(String email) throws IOException {
        JsonNode found = get(sendEmail.resolve("/events?email=" + encode(email)));
        List<JsonNode> events = new ArrayList<>();
        found.path("events").forEach(events::add);
        JsonNode subscriber = found.path("subscriber");
        String subject = subscriber.isObject()
                ? email + " (" + subscriber.path("status").asText() + ", signed up " + subscriber.path("createdAt")
                        .asText() + ")"
                : email + " (no subscriber)";
        return new Answer(subject, paths(events));
    }

    private List<Path> paths(List<JsonNode> events) throws IOException {
        JsonNode deliveries = broker == null ? null : get(broker.resolve("/deliveries"), null);
        List<Path> paths = new ArrayList<>();
        for (JsonNode event : events) {
            paths.add(path(event, deliveries));
        }
        return paths;
    }

    /** The steps the database and the Broker's records tell about {@code event}, oldest first. */
    static Path path(JsonNode event, JsonNode deliveries) {
        String id = event.path("id").asText();
        List<Step> steps = new ArrayList<>();
        String type = outboxSteps(event.path("outbox"), steps);
        if (deliveries != null) {
            for (JsonNode delivery : deliveries) {
                if (delivery.path("eventId").asText().equals(id)) {
                    type = type == null ? delivery.path("eventType").asText() : type;
                    steps.add(deliveryStep(delivery));
                }
            }
        }
        type = deadLetterSteps(event.path("deadLetter"), steps, type);
        mailStep(event.path("mail"), steps);
        steps.sort(Comparator.comparing(Step::at));
        // The Broker's 202 is marked in the database once its answer arrived, when the Broker may have started
        // delivering already: a mark goes before the deliveries it made possible.
        moveBeforeDeliveries(steps, "published", null);
        moveBeforeDeliveries(steps, "replayed", "dead letter");
        return new Path(id, type == null ? "?" : type, steps);
    }

    /** Moves the {@code mark} step before the first delivery after the last {@code since} step preceding it. */
    private static void moveBeforeDeliveries(List<Step> steps, String mark, String since) {
        int at = indexOf(steps, mark);
        if (at < 0) {
            return;
        }
        int from = 0;
        for (int i = 0; i < at; i++) {
            from = steps.get(i).what().equals(since) ? i + 1 : from;
        }
        for (int i = from; i < at; i++) {
            if (DELIVERY_OUTCOMES.contains(steps.get(i).what())) {
                steps.add(i, steps.remove(at));
                return;
            }
        }
    }

    private static int indexOf(List<Step> steps, String what) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).what().equals(what)) {
                return i;
            }
        }
        return -1;
    }

    private static String outboxSteps(JsonNode outbox, List<Step> steps) {
        if (!outbox.isObject()) {
            return null;
        }
        int failed = outbox.path("failedAttempts").asInt();
        steps.add(new Step(time(outbox, "storedAt"), "stored", "outbox record written with the change it announces"
                + " (subscriber now " + outbox.path("subscriberStatus").asText() + ")"));
        String lastFailure = failed == 0 ? "" : "; " + failed + " failed attempt(s) before, last: "
                + outbox.path("lastError").asText();
        if (outbox.hasNonNull("publishedAt")) {
            steps.add(new Step(time(outbox, "publishedAt"), "published", "the Broker answered "
                    + outbox.path("brokerStatus").asText("2xx") + " (attempt " + (failed + 1) + ")" + lastFailure));
        } else if (outbox.hasNonNull("setAsideAt")) {
            steps.add(new Step(time(outbox, "setAsideAt"), "set aside", "not published, after " + failed
                    + " attempt(s): " + outbox.path("lastError").asText() + " (Broker status "
                    + outbox.path("brokerStatus").asText() + "); clear dead_at to send it again"));
        } else if (failed > 0) {
            steps.add(new Step(time(outbox, "lastAttemptAt"), "pending", "not published yet" + lastFailure
                    + " (Broker status " + outbox.path("brokerStatus").asText() + "); the republish sends it"));
        }
        return outbox.path("type").asText();
    }

    private static Step deliveryStep(JsonNode delivery) {
        String answer = delivery.path("answer").asText("");
        return new Step(Instant.parse(delivery.path("at").asText()), delivery.path("outcome").asText(),
                "Trigger " + delivery.path("trigger").asText() + " -> " + delivery.path("subscriber").asText()
                        + ": attempt " + delivery.path("attempts").asInt() + ", status " + delivery.path("status").asInt()
                        + (answer.isBlank() ? "" : ", answered " + shorten(answer)));
    }

    private static String deadLetterSteps(JsonNode letter, List<Step> steps, String type) {
        if (!letter.isObject()) {
            return type;
        }
        steps.add(new Step(time(letter, "firstSeen"), "dead letter", "kept by send-email-fn: "
                + letter.path("errorDest").asText() + " answered " + letter.path("errorCode").asText() + " "
                + shorten(letter.path("errorData").asText(""))));
        if (letter.path("timesSeen").asInt() > 1) {
            steps.add(new Step(time(letter, "lastSeen"), "dead letter", "seen again ("
                    + letter.path("timesSeen").asInt() + " times in all)"));
        }
        if (letter.hasNonNull("replayedAt")) {
            steps.add(new Step(time(letter, "replayedAt"), "replayed", "sent back into the Broker with its own id"));
        }
        return type == null ? letter.path("type").asText() : type;
    }

    private static void mailStep(JsonNode mail, List<Step> steps) {
        if (!mail.isObject()) {
            return;
        }
        String messageId = mail.path("messageId").asText();
        int takeovers = mail.path("takeovers").asInt();
        String takenOver = takeovers == 0 ? "" : " (after " + takeovers + " takeover(s) of a claim a dead sender left)";
        Step step = switch (mail.path("state").asText()) {
            case "SENT" -> new Step(time(mail, "at"), "mailed", "the SMTP server accepted it, Message-ID " + messageId
                    + takenOver);
            case "SUPPRESSED" -> new Step(time(mail, "at"), "suppressed", "not mailed: "
                    + mail.path("suppressedBecause").asText("suppressed").replace('_', ' '));
            case "UNKNOWN" -> new Step(time(mail, "at"), "unknown", "the sender died mid-send; at most once, so not "
                    + "mailed again (Message-ID " + messageId + ")");
            default -> new Step(time(mail, "at"), "mailing", "claimed by a sender, no answer from the SMTP server yet"
                    + takenOver);
        };
        steps.add(step);
    }

    /** The answer as lines for a terminal. */
    public static String text(Answer answer) {
        StringBuilder out = new StringBuilder();
        if (answer.events().isEmpty()) {
            return "No record of " + answer.subject() + ".\n";
        }
        out.append(answer.subject()).append('\n');
        for (Path path : answer.events()) {
            out.append("\nEvent ").append(path.id()).append("  ").append(path.type()).append('\n');
            for (Step step : path.steps()) {
                out.append(String.format("  %s  %-13s %s%n", time(step.at()), step.what(), step.detail()));
            }
        }
        return out.toString();
    }

    /** A step's time as the timeline shows it: UTC, to the millisecond. */
    static String time(Instant at) {
        return TIME.format(at);
    }

    /** GET as JSON; null for a 404 (nothing known). */
    private JsonNode get(URI url) throws IOException {
        return get(url, authorization.get());
    }

    private JsonNode get(URI url, String authorizedAs) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10));
        if (host != null) {
            request.header("Host", host);
        }
        if (authorizedAs != null) {
            request.header("Authorization", authorizedAs);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return null;
            }
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static Instant time(JsonNode node, String field) {
        return Instant.parse(node.path(field).asText());
    }

    private static String shorten(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > ANSWER_MAX_LENGTH ? line.substring(0, ANSWER_MAX_LENGTH) + "..." : line;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * {@code make event ID=... | EMAIL=...}. EVENTS_URL and EVENTS_HOST point it elsewhere than {@code make run}'s
     * send-email-fn, e.g. at a cluster's internal gateway; then no local Broker is asked.
     */
    public static void main(String[] args) throws Exception {
        String url = System.getenv().getOrDefault("EVENTS_URL", "");
        String host = System.getenv().getOrDefault("EVENTS_HOST", "");
        if (!host.isBlank()) {
            // The JDK's client sends the Host of the URL unless told to allow this one.
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        }
        boolean local = url.isBlank();
        StackSettings settings = StackSettings.fromEnvironment(java.nio.file.Path.of("."));
        String id = System.getenv().getOrDefault("ID", "");
        String email = System.getenv().getOrDefault("EMAIL", "");
        if (id.isBlank() == email.isBlank()) {
            System.err.println("make event: name one event, ID=<event id> or EMAIL=<address>");
            System.exit(2);
        }
        Answer answer;
        try {
            // On the cluster an operator's token (kubectl create token signup-operator ...); here the local issuer's.
            String token = local ? OperatorToken.bearer(settings, LocalFunction.SEND_EMAIL.module())
                    : "Bearer " + System.getenv().getOrDefault("EVENTS_TOKEN", "");
            Timeline timeline = new Timeline(URI.create(local ? LocalFunction.SEND_EMAIL.localUrl() : url),
                    host.isBlank() ? null : host,
                    local ? URI.create("http://localhost:" + settings.brokerPort()) : null, () -> token);
            answer = id.isBlank() ? timeline.ofAddress(email) : timeline.ofEvent(id);
        } catch (java.net.ConnectException e) {
            System.err.println("make event: send-email-fn does not answer (is make run running?)");
            System.exit(1);
            return;
        }
        System.out.print(text(answer));
        System.exit(answer.events().isEmpty() ? 1 : 0);
    }
}
