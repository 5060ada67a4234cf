package io.signup.saveemail.outbox;

import java.util.HashMap;
import java.util.Map;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;

/**
 * The W3C trace context an event carries as the CloudEvents distributed-tracing extension. It is taken when the
 * outbox record is written, so the event continues the trace of the signup that caused it, however late it is
 * published.
 *
 * @param traceparent W3C {@code traceparent}, {@code null} when there was no trace (tracing off)
 * @param tracestate  W3C {@code tracestate}, {@code null} when empty
 */
public record TraceContext(String traceparent, String tracestate) {

    private static final String W3C_TRACEPARENT = "traceparent";
    private static final String W3C_TRACESTATE = "tracestate";

    public static final TraceContext NONE = new TraceContext(null, null);

    /** The context of the current span, or {@link #NONE} when nothing is being traced. */
    public static TraceContext current() {
        Map<String, String> carrier = new HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        String traceparent = carrier.get(W3C_TRACEPARENT);
        return traceparent == null ? NONE : new TraceContext(traceparent, carrier.get(W3C_TRACESTATE));
    }
}
