package io.signup.sendemail.tracing;

import jakarta.inject.Singleton;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.quarkus.opentelemetry.runtime.propagation.TextMapPropagatorCustomizer;

/**
 * Makes a delivered event continue the trace it carries: Quarkus builds its W3C propagator through this customizer,
 * which puts {@link EventFirstPropagator} in its place.
 */
@Singleton
public class EventTraceContext implements TextMapPropagatorCustomizer {

    @Override
    public TextMapPropagator customize(Context context) {
        TextMapPropagator propagator = context.propagator();
        return propagator instanceof W3CTraceContextPropagator ? new EventFirstPropagator(propagator) : propagator;
    }
}
