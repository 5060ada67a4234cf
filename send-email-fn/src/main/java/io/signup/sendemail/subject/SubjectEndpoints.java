package io.signup.sendemail.subject;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.signup.contract.EmailAddress;
import io.signup.contract.InvalidSignupException;
import io.signup.http.FunctionHttpGuard;
import io.signup.http.HttpAnswer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * An operator's answers to a person's data requests, on this cluster-local function beside the other maintenance
 * endpoints: {@code GET /subjects?email=} exports everything held about the address, {@code POST
 * /subjects/forget?email=} erases it.
 */
@ApplicationScoped
public class SubjectEndpoints {

    static final String PATH = "/subjects";
    /** After authorization, before the function guard, as the other maintenance endpoints. */
    private static final int ORDER = FunctionHttpGuard.BEFORE_GUARD;

    private final SubjectData data;

    public SubjectEndpoints(SubjectData data) {
        this.data = data;
    }

    void install(@Observes Router router) {
        router.route(PATH).order(ORDER).handler(context -> handle(context, HttpMethod.GET, data::export));
        router.route(PATH + "/forget").order(ORDER).handler(context -> handle(context, HttpMethod.POST, data::erase));
    }

    private static void handle(RoutingContext context, HttpMethod method,
            java.util.function.Function<EmailAddress, Uni<JsonObject>> action) {
        if (context.request().method() != method) {
            context.response().putHeader(HttpHeaderNames.ALLOW, method.name());
            FunctionHttpGuard.answer(context, HttpAnswer.of(405, "method not allowed: use " + method.name()));
            return;
        }
        EmailAddress address;
        try {
            address = EmailAddress.parse(String.valueOf(context.request().getParam("email")));
        } catch (InvalidSignupException e) {
            FunctionHttpGuard.answer(context, HttpAnswer.of(400, "name the address: ?email=<address>"));
            return;
        }
        action.apply(address).subscribe().with(answer -> context.response()
                        .putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json").end(answer.encodePrettily()),
                failure -> FunctionHttpGuard.answer(context, new HttpAnswer(503, "database unavailable", 10)));
    }
}
