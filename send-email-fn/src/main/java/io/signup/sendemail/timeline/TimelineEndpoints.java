package io.signup.sendemail.timeline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.signup.http.FunctionHttpGuard;
import io.signup.http.HttpAnswer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * An operator's view of one event, on this cluster-local function, beside the dead letters:
 * <ul>
 * <li>{@code GET /events/<id>}: its outbox record, mail and dead letter, as JSON; 404 when nothing is known;</li>
 * <li>{@code GET /events?message-id=<Message-ID>}: the same, for the event a mail was sent for;</li>
 * <li>{@code GET /events?email=<address>}: the subscriber and each of its events.</li>
 * </ul>
 */
@ApplicationScoped
public class TimelineEndpoints {

    static final String PATH = "/events";
    /** After authorization, before the function guard, as the dead-letter endpoints. */
    private static final int ORDER = FunctionHttpGuard.BEFORE_GUARD;

    private final EventTimelines timelines;

    public TimelineEndpoints(EventTimelines timelines) {
        this.timelines = timelines;
    }

    void install(@Observes Router router) {
        router.route(PATH).order(ORDER).handler(this::search);
        router.route(PATH + "/:id").order(ORDER).handler(this::event);
    }

    private void event(RoutingContext context) {
        if (isGet(context)) {
            String id = context.pathParam("id");
            timelines.event(id).subscribe().with(event -> event.ifPresentOrElse(found -> json(context, found),
                    () -> FunctionHttpGuard.answer(context, HttpAnswer.of(404, "no record of event " + id))),
                    failure -> unavailable(context));
        }
    }

    private void search(RoutingContext context) {
        if (!isGet(context)) {
            return;
        }
        String email = context.request().getParam("email");
        String messageId = context.request().getParam("message-id");
        if (email != null && !email.isBlank()) {
            timelines.ofAddress(email.strip()).subscribe().with(found -> json(context, found),
                    failure -> unavailable(context));
        } else if (messageId != null && !messageId.isBlank()) {
            timelines.byMessageId(messageId.strip()).subscribe().with(event -> event.ifPresentOrElse(
                    found -> json(context, found),
                    () -> FunctionHttpGuard.answer(context, HttpAnswer.of(404, "no mail with Message-ID " + messageId))),
                    failure -> unavailable(context));
        } else {
            FunctionHttpGuard.answer(context, HttpAnswer.of(400, "name an event: /events/<id>, ?email= or ?message-id="));
        }
    }

    private static boolean isGet(RoutingContext context) {
        if (context.request().method() == HttpMethod.GET) {
            return true;
        }
        context.response().putHeader(HttpHeaderNames.ALLOW, "GET");
        FunctionHttpGuard.answer(context, HttpAnswer.of(405, "method not allowed: use GET"));
        return false;
    }

    private static void json(RoutingContext context, JsonObject body) {
        context.response().putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json").end(body.encodePrettily());
    }

    private static void unavailable(RoutingContext context) {
        FunctionHttpGuard.answer(context, new HttpAnswer(503, "database unavailable", 10));
    }
}
