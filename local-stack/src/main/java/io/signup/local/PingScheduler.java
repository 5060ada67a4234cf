package io.signup.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.fabric8.knative.sources.v1.PingSource;
import io.signup.contract.Senders;
import io.signup.peers.LocalIssuer;

/**
 * Plays the PingSources of knative/: at each scheduled minute, a {@code dev.knative.sources.ping} event with the
 * source's data, sent in binary mode to its sink. Supports the minute schedules {@code * * * * *} and
 * {@code *}{@code /N * * * *}.
 */
public final class PingScheduler implements AutoCloseable {

    static final String PING_TYPE = "dev.knative.sources.ping";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient client = HttpClient.newHttpClient();

    private final LocalIssuer issuer;

    PingScheduler(Iterable<PingSource> sources, Function<String, URI> services, LocalIssuer issuer) {
        this.issuer = issuer;
        for (PingSource source : sources) {
            int every = everyMinutes(source.getSpec().getSchedule());
            URI sink = services.apply(source.getSpec().getSink().getRef().getName());
            ZonedDateTime now = ZonedDateTime.now();
            ZonedDateTime first = now.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            while (first.getMinute() % every != 0) {
                first = first.plusMinutes(1);
            }
            timer.scheduleAtFixedRate(() -> ping(source, sink), Duration.between(now, first).toMillis(),
                    TimeUnit.MINUTES.toMillis(every), TimeUnit.MILLISECONDS);
        }
    }

    /** Minutes between pings for the schedules the local stack supports. */
    public static int everyMinutes(String schedule) {
        String[] fields = schedule.trim().split("\\s+");
        boolean restIsAny = fields.length == 5 && String.join(" ", fields[1], fields[2], fields[3], fields[4])
                .equals("* * * *");
        if (restIsAny && fields[0].equals("*")) {
            return 1;
        }
        if (restIsAny && fields[0].matches("\\*/\\d+")) {
            return Integer.parseInt(fields[0].substring(2));
        }
        throw new IllegalArgumentException("the local stack runs only '* * * * *' or '*/N * * * *' schedules, not '"
                + schedule + "'");
    }

    private void ping(PingSource source, URI sink) {
        String name = source.getMetadata().getName();
        String data = source.getSpec().getData();
        HttpRequest.Builder request = HttpRequest.newBuilder(sink)
                .header("ce-specversion", "1.0")
                .header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", PING_TYPE)
                .header("ce-source", "/apis/v1/namespaces/" + source.getMetadata().getNamespace() + "/pingsources/" + name)
                .POST(data == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(data));
        // As Knative signs a ping with the PingSource's identity, for the audience its sink names.
        String audience = source.getSpec().getSink().getAudience();
        if (audience != null) {
            request.header("Authorization", issuer.bearer(Senders.pingSource(name), audience));
        }
        if (data != null && source.getSpec().getContentType() != null) {
            request.header("Content-Type", source.getSpec().getContentType());
        }
        try {
            int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            System.out.printf("[ping] %s -> %s: %d%n", name, sink, status);
        } catch (Exception e) {
            System.out.printf("[ping] %s -> %s failed: %s%n", name, sink, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
