package io.signup.saveemail.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.signup.contract.EmailAddress;
import io.signup.contract.InvalidSignupException;
import io.signup.contract.SubscriptionCreated;
import io.signup.saveemail.OutboxEvent;
import io.signup.saveemail.Subscriber;
import io.smallrye.mutiny.Uni;

/**
 * Validates a signup, stores the subscriber together with its event in one transaction, then hands the event to the
 * relay. A repeated address changes nothing and emits nothing, and looks exactly like a new one to the caller.
 * <p>
 * The event data is serialized here with Jackson, outside Funqy's view, hence its explicit registration for
 * reflection in the native image.
 */
@ApplicationScoped
@RegisterForReflection(targets = SubscriptionCreated.class)
public class SignupService {

    private final OutboxRelay relay;
    private final ObjectMapper mapper;
    private final MeterRegistry metrics;

    public SignupService(OutboxRelay relay, ObjectMapper mapper, MeterRegistry metrics) {
        this.relay = relay;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    /**
     * Completes once the signup is durably stored (or was already); the event is published after the commit, and a
     * failed publish leaves it in the outbox instead of failing the signup.
     *
     * @param honeypot the form's hidden field: when filled, a bot sent the form; it gets the usual answer and nothing
     *                 is stored, so it learns nothing
     * @throws InvalidSignupException when the input can never be stored
     */
    public Uni<Void> subscribe(String rawEmail, String rawName, String honeypot) {
        EmailAddress email;
        String name;
        try {
            email = EmailAddress.parse(rawEmail);
            name = SubscriptionCreated.normalizeName(rawName);
        } catch (InvalidSignupException e) {
            count("rejected", e.reason().tag());
            throw e;
        }
        if (honeypot != null && !honeypot.isBlank()) {
            Log.info("Signup with a filled honeypot field ignored");
            count("rejected", "honeypot");
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> storeIfNew(email, name))
                .invoke(record -> count(record == null ? "duplicate" : "accepted", "none"))
                .call(record -> record == null ? Uni.createFrom().voidItem() : relay.publish(record))
                .replaceWithVoid();
    }

    /** signups_total{outcome="accepted|duplicate|rejected", reason="none|email_missing|...|honeypot"} */
    private void count(String outcome, String reason) {
        metrics.counter("signups", "outcome", outcome, "reason", reason).increment();
    }

    /** The outbox record of a new subscriber, or null when the address was already there. */
    private Uni<OutboxEvent> storeIfNew(EmailAddress email, String name) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Subscriber subscriber = Subscriber.of(email, name, now);
        return subscriber.insertIfNew().chain(inserted -> {
            if (!inserted) {
                Log.debug("Duplicate signup ignored");
                return Uni.createFrom().nullItem();
            }
            OutboxEvent event = relay.newRecord(SubscriptionCreated.TYPE, subscriber,
                    toJson(new SubscriptionCreated(subscriber.email, name, now)));
            return event.persist().replaceWith(event);
        });
    }

    private String toJson(SubscriptionCreated data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data not serializable", e);
        }
    }
}
