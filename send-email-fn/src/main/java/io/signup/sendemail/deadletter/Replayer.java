package io.signup.sendemail.deadletter;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.vertx.VertxMessageFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.logging.Log;
import io.signup.http.BrokerTrust;
import io.signup.http.OidcToken;
import io.signup.http.StrictJson;
import io.signup.sendemail.config.SendEmailConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Sends dead letters back into the Broker ({@code K_SINK}, from the SinkBinding) with their own id, source and
 * attributes, so consumers recognise them as the same events: a mail already sent is not sent again, one that never
 * went out goes out once. One at a time, in the order they were first seen.
 */
@ApplicationScoped
public class Replayer {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final DeadLetterStore store;
    private final Optional<URI> broker;
    private final WebClient client;
    private final OidcToken oidc;

    public Replayer(DeadLetterStore store, Vertx vertx, SendEmailConfig config, OidcToken oidc, BrokerTrust trust) {
        this.store = store;
        this.oidc = oidc;
        this.broker = config.broker().url();
        this.client = WebClient.create(vertx, trust.apply(new WebClientOptions()));
    }

    /**
     * Replays what is due ({@code id}/{@code source} null: all); answers how many went back, how many failed, and
     * which were refused as they are.
     */
    public Uni<JsonObject> replay(String id, String source) {
        if (broker.isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("no Broker to replay to (K_SINK is not set)"));
        }
        JsonArray refused = new JsonArray();
        return store.due(id, source).chain(events -> Multi.createFrom().iterable(events)
                .filter(event -> replayable(event, refused))
                .onItem().transformToUniAndConcatenate(event -> send(event)
                        .chain(() -> store.replayed(event)).replaceWith(true)
                        .onFailure().invoke(e -> Log.warnf("Dead letter %s %s not replayed: %s", event.getSource(),
                                event.getId(), e.getMessage()))
                        .onFailure().recoverWithItem(false))
                .collect().asList()
                .call(store::refreshWaiting)
                .map(results -> new JsonObject()
                        .put("replayed", results.stream().filter(ok -> ok).count())
                        .put("failed", results.stream().filter(ok -> !ok).count())
                        .put("refused", refused)));
    }

    /**
     * A dead letter whose JSON data is not strict JSON is not sent back: every receiver refuses it the same way, so it
     * would only come back as a dead letter. It stays, listed in the answer with why.
     */
    private static boolean replayable(CloudEvent event, JsonArray refused) {
        String problem = StrictJson.dataProblem(event.getDataContentType(),
                event.getData() == null ? null : event.getData().toBytes());
        if (problem != null) {
            Log.warnf("Dead letter %s %s not replayed: its data is %s", event.getSource(), event.getId(), problem);
            refused.add(new JsonObject().put("source", event.getSource().toString()).put("id", event.getId())
                    .put("reason", problem));
        }
        return problem == null;
    }

    /**
     * One POST to the Broker, tried again once when the connection failed rather than the Broker answering (a pooled
     * connection the other side closed while idle). Sending an event twice is harmless: consumers know it by its id.
     */
    private Uni<Void> send(CloudEvent event) {
        return Uni.createFrom().deferred(() -> attempt(event))
                .onFailure(failure -> !(failure instanceof BrokerRefused)).retry().atMost(1);
    }

    private Uni<Void> attempt(CloudEvent event) {
        var request = client.postAbs(broker.get().toString()).timeout(TIMEOUT.toMillis());
        // Our SinkBinding's identity, which the Broker's EventPolicies admit (when OIDC is on).
        oidc.authorization().ifPresent(token -> request.putHeader(HttpHeaderNames.AUTHORIZATION.toString(), token));
        var response = VertxMessageFactory.createWriter(request).writeBinary(event);
        return Uni.createFrom().completionStage(response.toCompletionStage()).map(answer -> {
            if (answer.statusCode() / 100 != 2) {
                throw new BrokerRefused(answer.statusCode());
            }
            return null;
        });
    }

    /** The Broker answered, and not with a 2xx: not retried here. */
    private static final class BrokerRefused extends RuntimeException {

        BrokerRefused(int status) {
            super("the Broker answered " + status, null, false, false);
        }
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
