package io.signup.sendemail.deadletter;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.vertx.VertxMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.logging.Log;
import io.signup.http.FunctionHttpGuard;
import io.signup.http.HttpAnswer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The Broker's dead-letter sink and what an operator does with it, on this cluster-local function:
 * <ul>
 * <li>{@code POST /dead-letters}: a dead letter from the Broker (any readable CloudEvent, binary or structured),
 * kept in Postgres; 202.</li>
 * <li>{@code GET /dead-letters}: the list, as JSON.</li>
 * <li>{@code POST /dead-letters/replay} (optionally {@code ?id=...&source=...}): back into the Broker, same ids.</li>
 * </ul>
 * Ahead of the function guard: a dead letter is kept whatever its type or content type, since it is evidence.
 */
@ApplicationScoped
public class DeadLetterEndpoints {

    static final String PATH = "/dead-letters";
    /** After authorization, before the function guard and the strict CloudEvents check. */
    private static final int ORDER = FunctionHttpGuard.BEFORE_GUARD;

    private final DeadLetterStore store;
    private final Replayer replayer;

    public DeadLetterEndpoints(DeadLetterStore store, Replayer replayer) {
        this.store = store;
        this.replayer = replayer;
    }

    void install(@Observes Router router) {
        router.route(PATH).order(ORDER).handler(this::deadLetters);
        router.route(PATH + "/replay").order(ORDER).handler(this::replay);
    }

    private void deadLetters(RoutingContext context) {
        if (context.request().method() == HttpMethod.GET) {
            store.list().subscribe().with(list -> context.response()
                    .putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json").end(list.encodePrettily()),
                    context::fail);
        } else if (context.request().method() == HttpMethod.POST) {
            CloudEvent event;
            try {
                event = read(context);
            } catch (RuntimeException unreadable) {
                FunctionHttpGuard.answer(context, HttpAnswer.of(400, "not a CloudEvent"));
                return;
            }
            store.keep(event).subscribe().with(done -> {
                Log.warnf("Dead letter kept: %s %s from %s, status %s", event.getType(), event.getId(),
                        event.getExtension(DeadLetterStore.ERROR_DEST), event.getExtension(DeadLetterStore.ERROR_CODE));
                context.response().setStatusCode(202).end();
            }, failure -> FunctionHttpGuard.answer(context, new HttpAnswer(503, "dead-letter store unavailable", 10)));
        } else {
            notAllowed(context, "GET, POST");
        }
    }

    private void replay(RoutingContext context) {
        if (context.request().method() != HttpMethod.POST) {
            notAllowed(context, "POST");
            return;
        }
        replayer.replay(context.request().getParam("id"), context.request().getParam("source")).subscribe().with(
                result -> context.response().putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .end(result.encode()),
                failure -> FunctionHttpGuard.answer(context, new HttpAnswer(503, failure.getMessage(), 10)));
    }

    private static CloudEvent read(RoutingContext context) {
        String contentType = context.request().getHeader(HttpHeaderNames.CONTENT_TYPE);
        Buffer body = context.body().buffer() == null ? Buffer.buffer() : context.body().buffer();
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(JsonFormat.CONTENT_TYPE)) {
            return new JsonFormat().deserialize(body.getBytes());
        }
        return VertxMessageFactory.createReader(context.request().headers(), body).toEvent();
    }

    private static void notAllowed(RoutingContext context, String allowed) {
        context.response().putHeader(HttpHeaderNames.ALLOW, allowed);
        FunctionHttpGuard.answer(context, HttpAnswer.of(405, "method not allowed: use " + allowed));
    }
}
