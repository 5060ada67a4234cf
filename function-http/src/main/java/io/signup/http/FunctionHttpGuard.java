package io.signup.http;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.logging.Log;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * The HTTP answers Funqy cannot give by itself. Funqy calls a function on {@code GET} (with query parameters as
 * input), answers 406 to a foreign content type, a bare 400 to malformed JSON, 500 to any exception a function
 * throws, and fails on a {@code POST} without a body. This route runs before Funqy's: it lets only {@code POST} with
 * a strict JSON body through ({@link StrictJson}: a signup, a binary event's data, a structured event), and turns
 * every failure into a short JSON error whose status the function's
 * {@link FailureMapping} chooses. Quarkus's own endpoints under the non-application root ({@code /q/health}) are left
 * alone.
 */
@ApplicationScoped
public class FunctionHttpGuard {

    /**
     * Routes that answer by themselves ahead of this guard (maintenance endpoints, form posts) use this order: after
     * Quarkus's filters, authorization last among them (order -100, {@code SecurityHandlerPriorities.AUTHORIZATION}),
     * so that no route of ours answers a sender the policies in application.properties refuse.
     */
    public static final int BEFORE_GUARD = -98;
    /** After those, before the strict CloudEvents check (-90) and Funqy's route (default order). */
    private static final int ORDER = -97;

    private final String managementPrefix;
    private final FailureMapping mapping;

    public FunctionHttpGuard(@ConfigProperty(name = "quarkus.http.non-application-root-path") String managementRoot,
            FailureMapping mapping) {
        this.managementPrefix = "/" + managementRoot.replaceAll("^/+|/+$", "") + "/";
        this.mapping = mapping;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::admit).failureHandler(this::answerFailure);
        // Funqy's routes only match function paths; anything else would get Quarkus's HTML 404 page.
        router.route().order(Integer.MAX_VALUE).handler(context -> answer(context, HttpAnswer.of(404, "no such function")));
    }

    /** Whether {@code path} is one of Quarkus's own endpoints (health, metrics), which no function serves. */
    public boolean isManagementPath(String path) {
        return path.startsWith(managementPrefix);
    }

    private void admit(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (isManagementPath(request.path())) {
            context.next();
        } else if (request.method() != HttpMethod.POST) {
            context.response().putHeader(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
            answer(context, HttpAnswer.of(405, "method not allowed: use POST"));
        } else if (hasBody(request) && !isJson(request.getHeader(HttpHeaderNames.CONTENT_TYPE))) {
            answer(context, HttpAnswer.of(415, "Content-Type must be application/json"));
        } else {
            if (context.body().available() && context.body().buffer() == null) {
                // Funqy dereferences the body of every POST; a CloudEvent or call without data has none.
                ((RoutingContextInternal) context).setBody(Buffer.buffer());
            }
            Buffer body = context.body().buffer();
            if (body != null && body.length() > 0) {
                try {
                    StrictJson.check(body.getBytes());
                } catch (StrictJson.Invalid invalid) {
                    answer(context, HttpAnswer.of(400, invalid.getMessage()));
                    return;
                }
            }
            context.next();
        }
    }

    private void answerFailure(RoutingContext context) {
        Throwable failure = context.failure();
        HttpAnswer answer = failure == null ? null : mapping.answer(failure);
        int status = context.statusCode();
        if (answer != null) {
            if (answer.status() >= 500) {
                Log.warnf("%s %s answered %d: %s", context.request().method(), context.request().path(),
                        answer.status(), failure);
            }
            answer(context, answer);
        } else if (status == 400) {
            answer(context, HttpAnswer.of(400, "request body must be a JSON object"));
        } else if (FailureMapping.find(failure, JsonProcessingException.class) != null) {
            // Funqy reports data it cannot bind to the function's input type (a CloudEvent's data) as an exception.
            Log.warnf("%s %s refused, unreadable input: %s", context.request().method(), context.request().path(),
                    FailureMapping.find(failure, JsonProcessingException.class).getOriginalMessage());
            answer(context, HttpAnswer.of(400, "data does not match the expected JSON"));
        } else if (status == 413) {
            answer(context, HttpAnswer.of(413, "request body too large"));
        } else if (status >= 400 && status < 500) {
            answer(context, HttpAnswer.of(status, HttpResponseStatus.valueOf(status).reasonPhrase()));
        } else {
            Log.error("Request failed", failure);
            answer(context, HttpAnswer.of(500, "internal error"));
        }
    }

    /** Ends the request with {@code answer} as a short JSON error (Retry-After when it says so). */
    public static void answer(RoutingContext context, HttpAnswer answer) {
        if (context.response().headWritten()) {
            context.response().close();
            return;
        }
        if (answer.retryAfterSeconds() > 0) {
            context.response().putHeader(HttpHeaderNames.RETRY_AFTER, Integer.toString(answer.retryAfterSeconds()));
        }
        context.response()
                .setStatusCode(answer.status())
                .putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", answer.message()).encode());
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        return request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                || (length != null && !length.equals("0"));
    }

    /** JSON, or a structured-mode CloudEvent (which is JSON too). */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.equals("application/cloudevents+json");
    }
}
