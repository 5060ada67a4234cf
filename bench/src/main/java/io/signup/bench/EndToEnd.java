package io.signup.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

import io.signup.local.Inbox;

/**
 * Form POST to mail accepted by the SMTP server, through the whole {@code make run} stack: save-email-fn, the outbox,
 * the local Broker and its Trigger, send-email-fn, SMTP. Signups are sent at a steady rate whatever the answers
 * (open loop), and each latency is counted from when its signup was due, so a stall shows up in full.
 */
final class EndToEnd {

    /** One run: latencies of the mails that arrived, and how many signups never became a mail in time. */
    record Result(int sent, int delivered, int failedPosts, Histogram latencies) {
        double percentileMillis(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI saveEmail;
    private final Inbox inbox;

    EndToEnd(URI saveEmail, Inbox inbox) {
        this.saveEmail = saveEmail;
        this.inbox = inbox;
    }

    Result run(double perSecond, Duration duration) {
        int total = (int) Math.round(perSecond * duration.toSeconds());
        long periodNanos = (long) (1e9 / perSecond);
        Map<String, Long> dueAt = new ConcurrentHashMap<>();
        Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
        AtomicLong failedPosts = new AtomicLong();
        Set<String> before = new HashSet<>(inbox.recipients());

        Thread watcher = new Thread(() -> watchArrivals(before, dueAt, arrivedAt, total, duration), "arrivals");
        watcher.start();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            sender.schedule(() -> {
                String email = Requests.uniqueEmail("e2e");
                dueAt.put(email, due);
                client.sendAsync(Requests.signup(saveEmail, email), BodyHandlers.discarding())
                        .whenComplete((response, failure) -> {
                            if (failure != null || response.statusCode() != 200) {
                                failedPosts.incrementAndGet();
                            }
                        });
            }, due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        sender.shutdown();
        try {
            sender.awaitTermination(duration.toSeconds() + 10, TimeUnit.SECONDS);
            watcher.join(ARRIVAL_TIMEOUT.toMillis() + duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Histogram latencies = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        arrivedAt.forEach((email, arrived) -> {
            Long due = dueAt.get(email);
            if (due != null) {
                latencies.recordValue(Math.max(0, (arrived - due) / 1000));
            }
        });
        return new Result(total, (int) latencies.getTotalCount(), (int) failedPosts.get(), latencies);
    }

    /** Woken by each delivery; stamps the new recipients with the time they were first seen. */
    private void watchArrivals(Set<String> before, Map<String, Long> dueAt, Map<String, Long> arrivedAt, int total,
            Duration sending) {
        long deadline = System.nanoTime() + sending.toNanos() + ARRIVAL_TIMEOUT.toNanos();
        int known = before.size();
        while (arrivedAt.size() < total && System.nanoTime() < deadline) {
            if (!inbox.awaitReceived(known + 1, Duration.ofMillis(200))) {
                continue;
            }
            long now = System.nanoTime();
            List<String> recipients = inbox.recipients();
            known = recipients.size();
            for (String recipient : recipients) {
                if (!before.contains(recipient) && dueAt.containsKey(recipient)) {
                    arrivedAt.putIfAbsent(recipient, now);
                }
            }
        }
    }
}
