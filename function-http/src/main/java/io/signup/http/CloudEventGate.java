package io.signup.http;

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
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads every incoming CloudEvent with the CloudEvents SDK before Funqy binds it, and refuses with 400 (which Knative
 * does not retry) whatever is not a valid CloudEvents 1.0 event, in binary or structured mode: missing or empty
 * required attributes, another spec version, an unreadable {@code time}, an empty optional attribute; then whatever
 * the function's {@link EventPolicy} does not take. Never 2xx (the function would act on it), never 5xx (it would be
 * retried for minutes). A request is read as an event when it carries {@code ce-specversion}, is
 * {@code application/cloudevents+json}, or goes to a path the policy keeps for events.
 */
@ApplicationScoped
public class CloudEventGate {

    /** After the function guard (POST with a JSON body only), before Funqy. */
    private static final int ORDER = -90;

    private final FunctionHttpGuard guard;
    private final EventPolicy policy;
    /** cloudevents_refused_total: deliveries refused before any function ran. */
    private final Counter refused;

    public CloudEventGate(FunctionHttpGuard guard, EventPolicy policy, MeterRegistry metrics) {
        this.guard = guard;
        this.policy = policy;
        this.refused = metrics.counter("cloudevents.refused");
    }

    void install(@Observes Router router) {
        router.post().order(ORDER).handler(this::check);
    }

    private void check(RoutingContext context) {
        if (guard.isManagementPath(context.request().path()) || !isEvent(context)) {
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

    private boolean isEvent(RoutingContext context) {
        return context.request().headers().contains("ce-specversion") || isStructured(context)
                || policy.eventsOnly(context.request().path());
    }

    private static boolean isStructured(RoutingContext context) {
        String contentType = context.request().getHeader(HttpHeaderNames.CONTENT_TYPE);
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(JsonFormat.CONTENT_TYPE);
    }

    /** Why this request is not an event the function takes, or {@code null} when it is one. */
    private String problem(RoutingContext context) {
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
        return policy.refusal(event);
    }

    private static CloudEvent read(RoutingContext context) {
        byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        if (isStructured(context)) {
            return new JsonFormat().deserialize(body);
        }
        if (!context.request().headers().contains("ce-specversion")) {
            return null;
        }
        return VertxMessageFactory.createReader(context.request().headers(),
                context.body().buffer() == null ? io.vertx.core.buffer.Buffer.buffer() : context.body().buffer()).toEvent();
    }

    /** The SDK's message, without class names, bounded: it is sent to the Broker's dead-letter sink. */
    private static String shortReason(RuntimeException e) {
        String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
        return message.length() > 200 ? message.substring(0, 200) : message;
    }
}
