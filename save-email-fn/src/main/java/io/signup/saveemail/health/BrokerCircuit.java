package io.signup.saveemail.health;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.signup.saveemail.outbox.BrokerClient;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.health.api.Wellness;

/**
 * The Broker's circuit breaker in the health details ({@code /q/health}, {@code /q/health/well}). A wellness check,
 * never a readiness one: while the Broker is down, signups still commit (their events wait in the outbox), so the
 * function must stay in Knative's rotation. It stays UP for the same reason: the function works, and the state
 * ({@code closed}, {@code open}, {@code half_open}) and the time it opened are in its data.
 */
@Wellness
@ApplicationScoped
public class BrokerCircuit implements HealthCheck {

    private final BrokerClient broker;

    public BrokerCircuit(BrokerClient broker) {
        this.broker = broker;
    }

    @Override
    public HealthCheckResponse call() {
        CircuitBreakerState state = broker.circuitState();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("broker-circuit")
                .up()
                .withData("state", state.name().toLowerCase(Locale.ROOT));
        if (state != CircuitBreakerState.CLOSED) {
            response.withData("openedAt", broker.openedAt().toString());
        }
        return response.build();
    }
}
