package io.signup.saveemail;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.signup.peers.Addresses;
import io.signup.peers.FunctionProcess;
import io.signup.peers.PrometheusText;
import io.signup.peers.RecordingSink;
import io.signup.peers.TestDatabase;

/**
 * A Broker outage must not multiply what a signup costs. The packaged function takes signups from eight concurrent
 * clients, first with a healthy Broker, then with each way a Broker fails: connections refused, accepted and never
 * answered (a black hole), and 503. While it fails, the circuit breaker opens, and a signup commits its outbox record
 * and answers at once: its CPU (the function process's, from the kernel) and its p99 answer time stay within 1.5× and
 * 2× of the healthy run's. Once the Broker is back, the breaker closes by itself and every signup of the outage is
 * published exactly once.
 */
class BrokerOutageIT {

    private static final Path LOGS = Path.of("target", "broker-outage-it");
    private static final int CONCURRENCY = 8;
    private static final int SIGNUPS = 1500;
    private static final Duration BREAKER_DELAY = Duration.ofSeconds(2);
    /** signup.broker.timeout's default. */
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestDatabase database;
    private static RecordingSink sink;
    private static FunctionProcess function;
    private static Load healthy;

    /** How the Broker fails, and how it comes back. */
    enum Outage {
        REFUSED {
            @Override
            AutoCloseable begin() {
                sink.stop();
                return sink::start;
            }
        },
        BLACK_HOLE {
            @Override
            AutoCloseable begin() {
                return sink.blackHole();
            }
        },
        UNAVAILABLE_503 {
            @Override
            AutoCloseable begin() {
                sink.answer(request -> true, 503);
                return sink::clearAnswers;
            }
        };

        /** Breaks the Broker; closing the result repairs it. */
        abstract AutoCloseable begin();
    }

    /** What one run of {@value #SIGNUPS} signups cost the function, and how long they waited. */
    record Load(List<String> emails, double cpuMsPerSignup, double p99Ms, double maxMs, List<Integer> statuses) {
    }

    @BeforeAll
    static void startAndMeasureAHealthyBroker() {
        database = new TestDatabase();
        database.start();
        sink = new RecordingSink();
        sink.start();
        Map<String, String> env = new HashMap<>(FunctionProcess.saveEmailEnvironment(database, sink.url(),
                List.of("http://localhost:8080")));
        env.putAll(Map.of("SIGNUP_LIMITS_CLIENT_MAX", "1000000", "SIGNUP_LIMITS_MAILBOX_MAX", "1000000",
                "SIGNUP_BROKER_BREAKER_DELAY", BREAKER_DELAY.toSeconds() + "s"));
        function = FunctionProcess.start(FunctionProcess.projectRoot(), "save-email-fn", env, LOGS);
        load("warmup");
        healthy = load("healthy");
        assertEquals(SIGNUPS, healthy.emails().size());
        System.out.printf("[broker-outage] healthy: %.3f CPU-ms per signup, p99 %.1f ms%n", healthy.cpuMsPerSignup(),
                healthy.p99Ms());
    }

    @AfterAll
    static void stop() {
        if (function != null) {
            function.close();
        }
        sink.stop();
        database.stop();
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void anOutageCostsASignupNoMoreThanAHealthyBrokerAndLosesNothing(Outage outage) throws Exception {
        double opened = metric("broker_circuit_opened_total");
        Load during;
        try (AutoCloseable repair = outage.begin()) {
            during = load(outage.name().toLowerCase());
            assertTrue(!"closed".equals(circuitState()), "the breaker is open (or probing) while the Broker fails");
        }
        System.out.printf("[broker-outage] %s: %.3f CPU-ms per signup, p99 %.1f ms, slowest %.0f ms%n", outage,
                during.cpuMsPerSignup(), during.p99Ms(), during.maxMs());

        assertTrue(during.statuses().stream().allMatch(status -> status == 200), "every signup answered 200");
        assertTrue(metric("broker_circuit_opened_total") > opened, "counted as an opening");
        assertTrue(during.cpuMsPerSignup() <= 1.5 * healthy.cpuMsPerSignup(),
                "CPU per signup " + during.cpuMsPerSignup() + " ms vs " + healthy.cpuMsPerSignup() + " healthy");
        assertTrue(during.p99Ms() <= 2 * healthy.p99Ms(),
                "p99 " + during.p99Ms() + " ms vs " + healthy.p99Ms() + " healthy");
        // The signups in flight when it opened waited for one attempt (the 1 s publish timeout), none for retries.
        assertTrue(during.maxMs() < 2 * PUBLISH_TIMEOUT.toMillis(), "slowest signup " + during.maxMs() + " ms");

        // No signup, no schedule: the breaker probes, closes and sends the backlog by itself.
        await().atMost(Duration.ofSeconds(30)).until(() -> "closed".equals(circuitState()));
        await().atMost(Duration.ofSeconds(30)).until(() -> published(during.emails()).size() == SIGNUPS);
        Map<String, Long> events = published(during.emails());
        assertEquals(List.of(), events.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey)
                .toList(), "every signup published exactly once");
        assertEquals(0, database.count("select count(*) from outbox_event where published_at is null"));
    }

    /** {@value #SIGNUPS} new signups from {@value #CONCURRENCY} clients at once, as fast as they are answered. */
    private static Load load(String name) {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < SIGNUPS; i++) {
            emails.add(Addresses.unique(name + i));
        }
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        Duration cpuBefore = cpu();
        ExecutorService clients = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CONCURRENCY; c++) {
                running.add(clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < SIGNUPS; i = next.getAndIncrement()) {
                        long start = System.nanoTime();
                        statuses.add(signUp(emails.get(i)));
                        latencies.add(System.nanoTime() - start);
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            clients.shutdownNow();
        }
        double cpuMs = cpu().minus(cpuBefore).toNanos() / 1e6;
        List<Long> sorted = latencies.stream().sorted().toList();
        double p99 = sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1) / 1e6;
        return new Load(emails, cpuMs / SIGNUPS, p99, sorted.get(sorted.size() - 1) / 1e6, List.copyOf(statuses));
    }

    private static int signUp(String email) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(function.url() + "/saveEmail"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}")).build(),
                BodyHandlers.discarding()).statusCode();
    }

    /** The function process's CPU time, user and system, as the kernel counts it. */
    private static Duration cpu() {
        return ProcessHandle.of(function.pid()).flatMap(process -> process.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("no CPU time for the function's process"));
    }

    /** Events the sink accepted per address of {@code emails}. */
    private static Map<String, Long> published(List<String> emails) {
        Set<String> wanted = Set.copyOf(emails);
        return sink.received().stream()
                .map(event -> data(event.body()).path("email").asText(""))
                .filter(wanted::contains)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static String circuitState() throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(function.url() + "/q/health/well")).build(),
                BodyHandlers.ofString()).body();
        for (JsonNode check : JSON.readTree(body).path("checks")) {
            if ("broker-circuit".equals(check.path("name").asText())) {
                return check.path("data").path("state").asText();
            }
        }
        throw new AssertionError("no broker-circuit check in " + body);
    }

    private static double metric(String name) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(function.url() + "/q/metrics")).build(),
                BodyHandlers.ofString()).body();
        return PrometheusText.sum(PrometheusText.parse(text), name, Map.of());
    }

    private static JsonNode data(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception notJson) {
            return JSON.missingNode();
        }
    }
}
