package io.signup.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for the Knative Broker: it records every request and answers 202, like the
 * Broker's ingress, or what a test tells it to answer for some requests. It can be stopped and started again on the
 * same port to play a Broker outage, or {@linkplain #blackHole() take requests and never answer them}.
 */
public final class RecordingSink {

    /** One request as the sink received it; header names lower-cased. */
    public record Received(String method, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<Predicate<Received>, Integer> answers = new ConcurrentHashMap<>();
    private volatile CountDownLatch silence;
    private HttpServer server;
    private ExecutorService handlers;
    private int port;

    public synchronized void start() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            CountDownLatch holding = silence;
            if (holding != null) {
                // Connected, read, and never answered: the caller's own timeout is all it gets.
                awaitQuietly(holding);
                exchange.close();
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), e -> e.getValue().get(0)));
            Received request = new Received(exchange.getRequestMethod(), headers, body);
            int status = answers.entrySet().stream().filter(rule -> rule.getKey().test(request))
                    .map(Map.Entry::getValue).findFirst().orElse(202);
            if (status / 100 == 2) {
                received.add(request);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        // A thread per request, so that requests held by blackHole() do not stop the others.
        handlers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "recording-sink");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(handlers);
        server.start();
        port = server.getAddress().getPort();
    }

    /** Answers {@code status} (instead of 202) to what matches; a refused request is not kept in {@link #received}. */
    public void answer(Predicate<Received> requests, int status) {
        answers.put(requests, status);
    }

    /** Back to answering 202 to everything. */
    public void clearAnswers() {
        answers.clear();
    }

    /**
     * From now on, accepts every request and never answers, as a Broker that is up as far as TCP goes but hangs (a
     * stuck ingress, a partition behind a load balancer). Closing the result drops the held requests unanswered and
     * goes back to answering.
     */
    public AutoCloseable blackHole() {
        CountDownLatch holding = new CountDownLatch(1);
        silence = holding;
        return () -> {
            silence = null;
            holding.countDown();
        };
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void stop() {
        server.stop(0);
        handlers.shutdownNow();
    }

    public String url() {
        return "http://localhost:" + port + "/";
    }


    public List<Received> received() {
        return List.copyOf(received);
    }
}
