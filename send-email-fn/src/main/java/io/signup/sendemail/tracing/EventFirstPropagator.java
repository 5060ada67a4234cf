package io.signup.sendemail.tracing;

import java.util.Collection;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * W3C trace context, read from the CloudEvent first. A binary-mode CloudEvent carries the trace of the signup that
 * caused it in {@code ce-traceparent} (the distributed-tracing extension), which passes the Broker unchanged; the HTTP
 * {@code traceparent} header only tells who made the last hop. Requests that are not such events fall back to the
 * header. Injection is plain W3C.
 */
final class EventFirstPropagator implements TextMapPropagator {

    /** HTTP binding of CloudEvents: extension attributes travel as {@code ce-<name>} headers. */
    private static final String CLOUDEVENT_HEADER_PREFIX = "ce-";
    private static final String TRACEPARENT = "traceparent";

    private final TextMapPropagator w3c;

    EventFirstPropagator(TextMapPropagator w3c) {
        this.w3c = w3c;
    }

    @Override
    public Collection<String> fields() {
        return w3c.fields();
    }

    @Override
    public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
        w3c.inject(context, carrier, setter);
    }

    @Override
    public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
        if (carrier == null || getter.get(carrier, CLOUDEVENT_HEADER_PREFIX + TRACEPARENT) == null) {
            return w3c.extract(context, carrier, getter);
        }
        return w3c.extract(context, carrier, new TextMapGetter<C>() {
            @Override
            public Iterable<String> keys(C headers) {
                return getter.keys(headers);
            }

            @Override
            public String get(C headers, String key) {
                return getter.get(headers, CLOUDEVENT_HEADER_PREFIX + key);
            }
        });
    }
}
