package io.signup.local.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.signup.local.Inbox;
import io.signup.local.LocalStack;
import io.signup.local.StackOverrides;
import io.signup.local.StackSettings;
import io.signup.local.Timeline;
import io.signup.peers.FunctionProcess;
import io.signup.peers.LocalFunction;
import io.signup.peers.PrometheusText;

/**
 * {@code make chaos}: the {@code make run} stack on free ports under steady load, one fault after another, and for
 * every signup that got a 2xx: its confirmation mail arrived exactly once (a recipient the mail server refuses for
 * good is expected in the dead letters instead). Mails are counted in classes: lost; sent twice from inside the crash
 * window (the same Message-ID, resent after its sender died with the claim it had taken over counted in
 * {@code mail_delivery.takeovers}), which at least once allows; sent twice from anywhere else; and, under at most
 * once, left with an unknown outcome. Prints a table, then {@code faults: F, signups: S, lost: L, duplicated: D, in
 * the crash window: W, outcome unknown: U} with the window as measured, and exits non-zero if anything was lost or
 * duplicated outside the window.
 * <p>
 * The timings are configuration, not code: the local Broker retries {@value #BROKER_RETRY} times from
 * {@value #BROKER_BACKOFF} (about 30 s), a send times out after 2 s, a send claim and an outbox lease last 5 s, and
 * the outbox is republished every minute ({@value #PING_SCHEDULE}) instead of every 15, so a run fits in minutes.
 * <p>
 * One class for the faults, the load, the accounting and the table, on purpose: each fault is a line of the list
 * below, and reading the run means reading them together.
 */
public final class Chaos {

    static final int BROKER_RETRY = 6;
    static final String BROKER_BACKOFF = "PT0.5S";
    static final String PING_SCHEDULE = "* * * * *";
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(150);

    /** One fault: what it does at {@code start} while the load runs, and what undoes it. */
    record Fault(String name, Consumer<Run> inject, Consumer<Run> clear, boolean replay) {
    }

    /**
     * The figures of one fault: {@code duplicated} counts second mails from outside the crash window,
     * {@code windowDuplicates} those the crash window explains, {@code unknown} signups whose mail's outcome was
     * recorded unknown (at most once).
     */
    record Row(String fault, int accepted, int mails, int lost, int duplicated, int windowDuplicates, int unknown,
            long recoveryMs, String note, String timeline) {
    }

    /** What a fault acts on. */
    record Run(LocalStack stack, SmtpFaults smtp, String victim) {
    }

    private final LocalStack stack;
    private final SmtpFaults smtp;
    private final double perSecond;
    private final Duration loadTime;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Chaos(LocalStack stack, SmtpFaults smtp, double perSecond, Duration loadTime) {
        this.stack = stack;
        this.smtp = smtp;
        this.perSecond = perSecond;
        this.loadTime = loadTime;
    }

    /** Every fault the issue names, in order. */
    static List<Fault> allFaults() {
        return List.of(
                new Fault("SMTP down longer than the Broker's retries", run -> run.smtp().down(true),
                        run -> sleepThen(Duration.ofSeconds(60), () -> run.smtp().down(false)), true),
                new Fault("SMTP answers 550 for one recipient", run -> run.smtp().refuse(run.victim()),
                        run -> { }, false),
                new Fault("SMTP acknowledges after the send timeout", run -> run.smtp().acknowledgeAfter(
                        Duration.ofSeconds(4)), run -> sleepThen(Duration.ofSeconds(3), run.smtp()::clear), false),
                new Fault("kill -9 save-email-fn during load", run -> run.stack().kill("save-email-fn"),
                        run -> run.stack().restart("save-email-fn"), false),
                new Fault("kill -9 send-email-fn during sends", run -> run.stack().kill("send-email-fn"),
                        run -> run.stack().restart("send-email-fn"), false),
                new Fault("kill -9 send-email-fn in the crash window", run -> run.smtp().killSenderOnAcceptance(
                        run.victim(), () -> run.stack().kill("send-email-fn")),
                        run -> sleepThen(Duration.ofSeconds(3), () -> run.stack().restart("send-email-fn")), false),
                new Fault("Postgres restart", run -> run.stack().restartDatabase(), run -> { }, false),
                new Fault("local Broker restart", run -> run.stack().restartBroker(), run -> { }, false),
                new Fault("Broker down 15 s under load", run -> run.stack().stopBroker(),
                        run -> sleepThen(Duration.ofSeconds(15), run.stack()::resumeBroker), false));
    }

    /** Runs {@code faults} one after another and returns their rows. */
    List<Row> run(List<Fault> faults) {
        List<Row> rows = new ArrayList<>();
        int index = 0;
        for (Fault fault : faults) {
            rows.add(run(fault, ++index));
            smtp.clear();
        }
        return rows;
    }

    private Row run(Fault fault, int index) {
        String prefix = "chaos" + index + "-" + Long.toString(System.nanoTime(), 36);
        String victim = prefix + "-victim@example.com";
        Run run = new Run(stack, smtp, victim);
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(4);
        int total = (int) (perSecond * loadTime.toSeconds());
        long period = (long) (1e9 / perSecond);
        for (int i = 0; i < total; i++) {
            String email = i == total / 2 ? victim : prefix + "-" + i + "@example.com";
            load.schedule(() -> signUp(email, accepted), i * period, TimeUnit.NANOSECONDS);
        }
        sleep(loadTime.dividedBy(3));
        System.out.printf("%n[chaos] %s%n", fault.name());
        fault.inject().accept(run);
        fault.clear().accept(run);
        load.shutdown();
        await(load);
        long cleared = System.nanoTime();
        boolean victimExpected = accepted.contains(victim) && fault.name().contains("550");
        Set<String> expected = new HashSet<>(accepted);
        if (victimExpected) {
            expected.remove(victim);
        }
        waitForMails(expected, fault.replay());
        long recoveryMs = (System.nanoTime() - cleared) / 1_000_000;
        Map<String, List<String>> mails = mailsTo(accepted);
        Set<String> unknown = unknownOutcomes(expected);
        int lost = (int) expected.stream().filter(email -> !mails.containsKey(email) && !unknown.contains(email))
                .count();
        int windowDuplicates = 0;
        int duplicated = 0;
        for (List<String> messageIds : mails.values()) {
            for (Map.Entry<String, Long> mail : messageIds.stream()
                    .collect(Collectors.groupingBy(id -> id, Collectors.counting())).entrySet()) {
                int extra = (int) (mail.getValue() - 1);
                int explained = Math.min(extra, takeovers(mail.getKey()));
                windowDuplicates += explained;
                duplicated += extra - explained;
            }
            // Two Message-IDs for one address: two events for one signup, which no crash explains.
            duplicated += (int) messageIds.stream().distinct().count() - 1;
        }
        String note = "";
        String timeline = "";
        if (victimExpected) {
            boolean kept = deadLetterFor(victim);
            note = kept && !mails.containsKey(victim) ? "550 recipient kept as a dead letter, not mailed"
                    : "550 recipient NOT in the dead letters";
            lost += kept ? 0 : 1;
            if (kept) {
                timeline = replayedOnceAccepted(victim);
                note += mailsTo(Set.of(victim)).containsKey(victim) ? "; replayed: MAILED despite its hard bounce"
                        : "; replayed: held back, suppressed as a hard bounce";
            }
        } else if (fault.name().contains("crash window") && accepted.contains(victim)) {
            List<String> victimMails = mails.getOrDefault(victim, List.of());
            note = "victim mailed " + victimMails.size() + " time(s), " + victimMails.stream().distinct().count()
                    + " Message-ID(s)";
        }
        return new Row(fault.name(), accepted.size(), mails.values().stream().mapToInt(List::size).sum(),
                lost, duplicated, windowDuplicates, unknown.size(), recoveryMs, note, timeline);
    }

    /**
     * What an operator does when the server takes the address again: its dead letter is replayed by id. The 550 put
     * the address on the suppression list, so the replayed event is delivered and held back, not mailed. Returns what
     * make event then prints for the address, once the replay was delivered.
     */
    private String replayedOnceAccepted(String victim) {
        smtp.clear();
        try {
            Timeline.Answer before = stack.timeline().ofAddress(victim);
            for (Timeline.Path event : before.events()) {
                post(stack.sendUrl() + "/dead-letters/replay?id=" + event.id());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!settledAfterReplay(victim) && System.nanoTime() < deadline) {
                sleep(Duration.ofMillis(200));
            }
            String text = Timeline.text(stack.timeline().ofAddress(victim));
            System.out.println("[chaos] make event EMAIL=" + victim + "\n" + text);
            return text;
        } catch (java.io.IOException e) {
            return "timeline unavailable: " + e.getMessage();
        }
    }

    private void signUp(String email, Set<String> accepted) {
        try {
            int status = http.send(HttpRequest.newBuilder(URI.create(stack.saveUrl() + "/saveEmail"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}")).build(),
                    BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                accepted.add(email);
            }
        } catch (Exception refusedOrReset) {
            // not accepted: the person sees an error and may try again; nothing is owed
        }
    }

    /**
     * Waits until every address has a mail (or an unknown outcome) and no mail is claimed mid-send; a person replays
     * the dead letters when the Broker gave up.
     */
    private void waitForMails(Set<String> expected, boolean replay) {
        long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
        int lastMissing = -1;
        long stalledSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Map<String, List<String>> mails = mailsTo(expected);
            Set<String> unknown = unknownOutcomes(expected);
            int missing = (int) expected.stream().filter(email -> !mails.containsKey(email) && !unknown.contains(email))
                    .count();
            // Settled, too: a claim a killed sender left behind is taken over (and its mail perhaps sent again)
            // only once its lease ends, after its mail may already be in the inbox.
            if (missing == 0 && sendingClaims() == 0) {
                return;
            }
            if (missing != lastMissing) {
                lastMissing = missing;
                stalledSince = System.nanoTime();
            } else if (replay && System.nanoTime() - stalledSince > Duration.ofSeconds(10).toNanos()) {
                System.out.println("[chaos] " + missing + " without a mail and no progress: make replay");
                System.out.println("[chaos] replay: " + post(stack.sendUrl() + "/dead-letters/replay"));
                stalledSince = System.nanoTime();
            }
            sleep(Duration.ofMillis(500));
        }
    }

    /** The Message-IDs of the mails each of {@code addresses} received (an address without mail is absent). */
    private Map<String, List<String>> mailsTo(Set<String> addresses) {
        Map<String, List<String>> mails = new HashMap<>();
        for (Inbox.Mail mail : stack.inbox().mails()) {
            if (addresses.contains(mail.to())) {
                mails.computeIfAbsent(mail.to(), to -> new ArrayList<>())
                        .add(mail.headers().getOrDefault("Message-ID", ""));
            }
        }
        return mails;
    }

    /** Whether the victim's replayed event was delivered again and its mail settled (sent or held back). */
    private boolean settledAfterReplay(String victim) {
        return stack.database().count("""
                select count(*) from outbox_event o join mail_delivery d on d.event_key like ('% ' || o.id::text)
                where o.payload::jsonb ->> 'email' = ? and d.state in ('SENT', 'SUPPRESSED')""", victim) > 0;
    }

    private long sendingClaims() {
        return stack.database().count("select count(*) from mail_delivery where state = 'SENDING'");
    }

    /** How many times a delivery took over the claim of a sender that died while mailing {@code messageId}. */
    private int takeovers(String messageId) {
        return stack.database().query("select takeovers from mail_delivery where message_id = ?", messageId)
                .stream().mapToInt(row -> ((Number) row.get("takeovers")).intValue()).sum();
    }

    /** The addresses whose confirmation mail was recorded as outcome unknown (at most once). */
    private Set<String> unknownOutcomes(Set<String> addresses) {
        Set<String> unknown = new HashSet<>();
        for (Map<String, Object> row : stack.database().query("""
                select o.payload::jsonb ->> 'email' as email from outbox_event o
                join mail_delivery d on d.event_key like ('% ' || o.id::text)
                where d.state = 'UNKNOWN'""")) {
            if (addresses.contains((String) row.get("email"))) {
                unknown.add((String) row.get("email"));
            }
        }
        return unknown;
    }

    private boolean deadLetterFor(String email) {
        return get(stack.sendUrl() + "/dead-letters").contains(email);
    }

    /** send-email-fn's maintenance endpoints, as an operator. */
    private String get(String url) {
        try {
            return http.send(asOperator(url).build(), BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private String post(String url) {
        try {
            return http.send(asOperator(url).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    private HttpRequest.Builder asOperator(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", stack.operatorAuthorization(LocalFunction.SEND_EMAIL.module()));
    }

    static String table(List<Row> rows, String window) {
        StringBuilder out = new StringBuilder(String.format("%-44s %9s %6s %5s %11s %7s %8s %11s  %s%n", "fault",
                "accepted", "mails", "lost", "duplicates", "window", "unknown", "recovery s", "note"));
        for (Row row : rows) {
            out.append(String.format("%-44s %9d %6d %5d %11d %7d %8d %11.1f  %s", row.fault(), row.accepted(),
                    row.mails(), row.lost(), row.duplicated(), row.windowDuplicates(), row.unknown(),
                    row.recoveryMs() / 1000.0,
                    row.accepted() == 0 ? "NO SIGNUP ACCEPTED: the row proves nothing" : row.note()).stripTrailing())
                    .append('\n');
        }
        out.append(String.format("faults: %d, signups: %d, lost: %d, duplicated: %d, in the crash window: %d, "
                + "outcome unknown: %d%n", rows.size(), rows.stream().mapToInt(Row::accepted).sum(),
                rows.stream().mapToInt(Row::lost).sum(), rows.stream().mapToInt(Row::duplicated).sum(),
                rows.stream().mapToInt(Row::windowDuplicates).sum(), rows.stream().mapToInt(Row::unknown).sum()));
        out.append("crash window (SMTP 250 to the SENT mark, send-email-fn's last process): ").append(window);
        return out.toString();
    }

    /** p50 and p99 of mail_crash_window_seconds, from the running send-email-fn. */
    String crashWindow() {
        List<PrometheusText.Sample> samples = PrometheusText.parse(get(stack.sendUrl() + "/q/metrics"));
        double count = PrometheusText.sum(samples, "mail_crash_window_seconds_count", Map.of());
        return String.format("p50 %.2f ms, p99 %.2f ms over %.0f mails",
                1000 * PrometheusText.sum(samples, "mail_crash_window_seconds", Map.of("quantile", "0.5")),
                1000 * PrometheusText.sum(samples, "mail_crash_window_seconds", Map.of("quantile", "0.99")), count);
    }

    /** What a run found. */
    record Result(List<Row> rows, String window) {
        String table() {
            return Chaos.table(rows, window);
        }
    }

    /** The stack's settings for chaos: shorter Broker retries, send claims and leases, and no abuse limits. */
    static StackOverrides overrides(int smtpProxyPort) {
        return new StackOverrides(Map.of(
                "save-email-fn", Map.of("SIGNUP_LIMITS_CLIENT_MAX", "1000000000", "SIGNUP_LIMITS_MAILBOX_MAX",
                        "1000000000", "SIGNUP_OUTBOX_LEASE", "5s"),
                "send-email-fn", Map.of("QUARKUS_MAILER_PORT", Integer.toString(smtpProxyPort),
                        "SIGNUP_MAIL_SEND_TIMEOUT", "2s", "SIGNUP_MAIL_LEASE", "5s")),
                BROKER_RETRY, BROKER_BACKOFF, PING_SCHEDULE);
    }

    /** A stack of its own on free ports, the SMTP relay in front of its mail server, and {@code faults} in turn. */
    static Result runOnFreshStack(Path root, List<Fault> faults, double perSecond, Duration loadTime)
            throws java.io.IOException {
        int smtpPort = FunctionProcess.freePort();
        // The relay takes its port first, so that no port chosen for the stack can be the one it gets.
        try (SmtpFaults smtp = new SmtpFaults(smtpPort)) {
            StackSettings settings = new StackSettings(root, Files.createTempDirectory("signup-chaos"),
                    FunctionProcess.freePort(), FunctionProcess.freePort(), FunctionProcess.freePort(),
                    FunctionProcess.freePort(), smtpPort, FunctionProcess.freePort(), FunctionProcess.freePort(),
                    FunctionProcess.freePort());
            try (LocalStack stack = LocalStack.start(settings, overrides(smtp.port()))) {
                Chaos chaos = new Chaos(stack, smtp, perSecond, loadTime);
                List<Row> rows = chaos.run(faults);
                return new Result(rows, chaos.crashWindow());
            }
        }
    }

    static void sleepThen(Duration pause, Runnable then) {
        sleep(pause);
        then.run();
    }

    static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(ScheduledExecutorService load) {
        try {
            load.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("signup.root", ".")).toAbsolutePath().normalize();
        double perSecond = Double.parseDouble(System.getenv().getOrDefault("CHAOS_RATE", "20"));
        Result result = runOnFreshStack(root, allFaults(), perSecond, Duration.ofSeconds(6));
        List<Row> rows = result.rows();
        String table = result.table();
        System.out.println();
        System.out.println(table);
        Path out = root.resolve("target/chaos");
        Files.createDirectories(out);
        Files.writeString(out.resolve("latest.txt"), table + "\n");
        // Duplicates the crash window explains are the at-least-once promise, reported above, not a failure.
        boolean clean = rows.stream().allMatch(row -> row.accepted() > 0 && row.lost() == 0 && row.duplicated() == 0);
        System.exit(clean ? 0 : 1);
    }
}
