package io.signup.sendemail.function;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.http.vertx.VertxMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.logging.Log;
import io.signup.contract.SignupEvent;
import io.signup.http.FunctionHttpGuard;
import io.signup.http.HttpAnswer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads every delivery with the CloudEvents SDK before Funqy binds it, and refuses with 400 (which Knative does not
 * retry) whatever is not a valid CloudEvents 1.0 event of one of our types, in binary or structured mode: missing or
 * empty required attributes, another spec version, an unreadable {@code time}, an empty optional attribute, a foreign
 * type or source, data that is not JSON. Never 204 (it would be mailed), never 5xx (it would be retried for minutes).
 */
@ApplicationScoped
public class StrictCloudEvents {

    /** After the function guard (-100: POST with a JSON body only), before Funqy. */
    private static final int ORDER = -90;

    private final FunctionHttpGuard guard;
    /** cloudevents_refused_total: deliveries refused before any function ran. */
    private final Counter refused;

    public StrictCloudEvents(FunctionHttpGuard guard, MeterRegistry metrics) {
        this.guard = guard;
        this.refused = metrics.counter("cloudevents.refused");
    }

    void install(@Observes Router router) {
        router.post().order(ORDER).handler(this::check);
    }

    private void check(RoutingContext context) {
        if (guard.isManagementPath(context.request().path())) {
            context.next();
            return;
        }
        String problem = problem(context);
        if (problem == null) {
            context.next();
        } else {
            Log.warnf("Delivery refused, %s (ce-id %s)", problem, context.request().getHeader("ce-id"));
            refused.increment();
            FunctionHttpGuard.answer(context, HttpAnswer.of(400, problem));
        }
    }

    /** Why this request is not an event we take, or {@code null} when it is one. */
    static String problem(RoutingContext context) {
        CloudEvent event;
        try {
            event = read(context);
        } catch (RuntimeException unreadable) {
            return "not a valid CloudEvent: " + shortReason(unreadable);
        }
        if (event == null) {
            return "not a CloudEvent (no ce-specversion header, not application/cloudevents+json)";
        }
        if (event.getSpecVersion() != SpecVersion.V1) {
            return "unsupported specversion " + event.getSpecVersion();
        }
        if (event.getId().isEmpty() || event.getSource().toString().isEmpty() || event.getType().isEmpty()) {
            return "id, source and type must not be empty";
        }
        for (String name : event.getAttributeNames()) {
            Object value = event.getAttribute(name);
            if (value != null && value.toString().isEmpty()) {
                return "attribute " + name + " must not be empty";
            }
        }
        if (SignupEvent.ofType(event.getType()).isEmpty()) {
            return "not an event type this function takes: " + event.getType();
        }
        if (!SignupEvent.SOURCE.equals(event.getSource().toString())) {
            return "not an event source this function takes: " + event.getSource();
        }
        String dataType = event.getDataContentType() == null ? "" : event.getDataContentType();
        if (event.getData() == null || !dataType.toLowerCase(Locale.ROOT).startsWith(SignupEvent.DATA_CONTENT_TYPE)) {
            return "data must be " + SignupEvent.DATA_CONTENT_TYPE;
        }
        return null;
    }

    private static CloudEvent read(RoutingContext context) {
        String contentType = context.request().getHeader(HttpHeaderNames.CONTENT_TYPE);
        byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(JsonFormat.CONTENT_TYPE)) {
            return new JsonFormat().deserialize(body);
        }
        if (!context.request().headers().contains("ce-specversion")) {
            return null;
        }
        return VertxMessageFactory.createReader(context.request().headers(), context.body().buffer()).toEvent();
    }

    /** The SDK's message, without class names, bounded: it is sent to the Broker's dead-letter sink. */
    private static String shortReason(RuntimeException e) {
        String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
        return message.length() > 200 ? message.substring(0, 200) : message;
    }
}
