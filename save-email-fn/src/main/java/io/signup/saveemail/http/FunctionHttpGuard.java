package io.signup.saveemail.http;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.logging.Log;
import io.signup.saveemail.service.DatabaseFailures;
import io.signup.saveemail.service.SignupRejectedException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * The HTTP answers Funqy cannot give by itself. Funqy calls a function on {@code GET} (with query parameters as
 * input), answers 406 to a foreign content type, a bare 400 to malformed JSON and 500 to any exception a function
 * throws. This route runs before Funqy's: it lets only {@code POST} with a JSON body through, and turns every failure
 * into a short JSON error with the status a caller can act on. Quarkus's own endpoints under the non-application
 * root ({@code /q/health}) are left alone.
 */
@ApplicationScoped
public class FunctionHttpGuard {

    /** Before Funqy's route (default order), after Quarkus's filters (CORS) and body handler. */
    private static final int ORDER = -100;
    private static final String RETRY_AFTER_SECONDS = "5";

    private final String managementPrefix;

    public FunctionHttpGuard(@ConfigProperty(name = "quarkus.http.non-application-root-path") String managementRoot) {
        this.managementPrefix = "/" + managementRoot.replaceAll("^/+|/+$", "") + "/";
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::admit).failureHandler(this::answerFailure);
        // Funqy's routes only match function paths; anything else would get Quarkus's HTML 404 page.
        router.route().order(Integer.MAX_VALUE).handler(context -> answer(context, 404, "no such function"));
    }

    private void admit(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.path().startsWith(managementPrefix)) {
            context.next();
        } else if (request.method() != HttpMethod.POST) {
            context.response().putHeader(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
            answer(context, 405, "method not allowed: use POST");
        } else if (hasBody(request) && !isJson(request.getHeader(HttpHeaderNames.CONTENT_TYPE))) {
            answer(context, 415, "Content-Type must be application/json");
        } else {
            if (context.body().available() && context.body().buffer() == null) {
                // Funqy dereferences the body of every POST; a CloudEvent or call without data has none.
                ((RoutingContextInternal) context).setBody(Buffer.buffer());
            }
            context.next();
        }
    }

    private void answerFailure(RoutingContext context) {
        Throwable failure = context.failure();
        SignupRejectedException rejected = find(failure, SignupRejectedException.class);
        if (rejected != null) {
            answer(context, 400, rejected.getMessage());
        } else if (failure != null && DatabaseFailures.isTransient(failure)) {
            Log.warnf("Database unavailable: %s", failure.toString());
            context.response().putHeader(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
            answer(context, 503, "temporarily unavailable, please retry");
        } else if (context.statusCode() == 400) {
            answer(context, 400, "request body must be a JSON object such as {\"email\": \"ann@example.com\"}");
        } else if (context.statusCode() == 413) {
            answer(context, 413, "request body too large");
        } else if (context.statusCode() >= 400 && context.statusCode() < 500) {
            answer(context, context.statusCode(), HttpResponseStatus.valueOf(context.statusCode()).reasonPhrase());
        } else {
            Log.error("Request failed", failure);
            answer(context, 500, "internal error");
        }
    }

    private static void answer(RoutingContext context, int status, String message) {
        if (context.response().headWritten()) {
            context.response().close();
            return;
        }
        context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", message).encode());
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

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
