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
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for the Knative Broker: it records every request and answers 202, like the
 * Broker's ingress, or what a test tells it to answer for some requests. It can be stopped and started again on the same port to play a Broker outage.
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
    private HttpServer server;
    private int port;

    public synchronized void start() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
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
        server.start();
        port = server.getAddress().getPort();
    }

    /** Answers {@code status} (instead of 202) to what matches; a refused request is not kept in {@link #received}. */
    public void answer(Predicate<Received> requests, int status) {
        answers.put(requests, status);
    }

    public synchronized void stop() {
        server.stop(0);
    }

    public String url() {
        return "http://localhost:" + port + "/";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }
}
