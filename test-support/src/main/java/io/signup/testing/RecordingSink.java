package io.signup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for the Knative Broker: it records every request and answers 202, like the
 * Broker's ingress. It can be stopped and started again on the same port to play a Broker outage.
 */
public final class RecordingSink {

    /** One request as the sink received it; header names lower-cased. */
    public record Received(String method, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
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
            received.add(new Received(exchange.getRequestMethod(), headers, body));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        server.start();
        port = server.getAddress().getPort();
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
