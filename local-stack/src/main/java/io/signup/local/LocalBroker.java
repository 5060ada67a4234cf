package io.signup.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.signup.peers.LocalIssuer;

/**
 * The Knative Broker's data plane for one machine, driven by the Broker, Triggers and EventPolicies in knative/. This
 * is its HTTP face: it accepts CloudEvents (binary or structured) at {@code POST /} with 202 from the senders its
 * EventPolicies admit ({@link BrokerIngress}: 401/403 for others), as the Broker's ingress does, and
 * lists what happened at {@code GET /deliveries}; the {@link Dispatcher} delivers them. Deliveries still to make can
 * be kept on disk ({@link PendingDeliveries}), so a restart loses none. A development tool: production runs on Knative.
 */
public final class LocalBroker implements AutoCloseable {

    /**
     * What happened to one event at one Trigger: the attempt (and when it started), the subscriber's status (0: no
     * answer) and the start of its answer when it was not a 2xx (what it said went wrong, e.g. the mail server's
     * refusal).
     */
    public record Delivery(String eventId, String eventType, String trigger, String subscriber, int attempts,
            int status, String outcome, String answer, Instant at) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Dispatcher dispatcher;
    private final BrokerIngress ingress;
    private final HttpServer server;
    /** Its own threads, ended with the Broker: a Broker inside a longer-lived program (make bench) must not outlive it. */
    private final ExecutorService requests = Executors.newFixedThreadPool(4);

    /** A Broker that keeps its deliveries in memory only. */
    public LocalBroker(KnativeConfig config, Function<String, URI> services, LocalIssuer issuer, int port) {
        this(config, services, issuer, port, null);
    }

    /**
     * @param services where a Knative Service of a given name answers (a local process)
     * @param issuer   the service-account issuer: it signs each delivery (a Trigger's identity, for the audience its
     *                 subscriber or dead-letter sink names) and vouches for the producers' tokens
     * @param port     0 for any free port
     * @param store    where deliveries still to make are kept across restarts; null for memory only
     */
    public LocalBroker(KnativeConfig config, Function<String, URI> services, LocalIssuer issuer, int port,
            Path store) {
        this.dispatcher = new Dispatcher(config, services, issuer, new PendingDeliveries(store));
        this.ingress = new BrokerIngress(issuer, config);
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("local Broker cannot listen on port " + port, e);
        }
        server.createContext("/", JdkHttp.logged(this::respond));
        server.setExecutor(requests);
        server.start();
        dispatcher.resume();
    }

    public URI url() {
        return URI.create("http://localhost:" + server.getAddress().getPort() + "/");
    }

    public List<CloudEvent> received() {
        return dispatcher.received();
    }

    public List<Delivery> deliveries() {
        return dispatcher.deliveries();
    }

    /** Accepts an event, as the Broker's ingress does. */
    public void ingest(CloudEvent event) {
        dispatcher.ingest(event);
    }

    private void respond(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (exchange.getRequestMethod().equals("GET") && path.equals("/deliveries")) {
            answer(exchange, 200, JSON.writeValueAsBytes(dispatcher.deliveries()));
        } else if (exchange.getRequestMethod().equals("POST") && path.equals("/")) {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            CloudEvent event;
            try {
                event = HttpMessageFactory.createReader(headers, exchange.getRequestBody().readAllBytes()).toEvent();
            } catch (RuntimeException notACloudEvent) {
                answer(exchange, 400, ("{\"error\":\"not a CloudEvent\"}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            BrokerIngress.Refusal refusal = ingress.refusal(headers.get("Authorization"), event);
            if (refusal != null) {
                System.out.printf("[broker] refused %s %s: %d %s%n", event.getType(), event.getId(), refusal.status(),
                        refusal.reason());
                answer(exchange, refusal.status(), JSON.writeValueAsBytes(Map.of("error", refusal.reason())));
                return;
            }
            ingest(event);
            exchange.sendResponseHeaders(202, -1);
        } else {
            exchange.sendResponseHeaders(405, -1);
        }
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        JdkHttp.answer(exchange, status, "application/json", body);
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
        dispatcher.close();
    }
}
