package io.signup.saveemail.outbox;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * An event waiting to be published, written in the same transaction as the change it announces (transactional
 * outbox). A record is pending until {@link #publishedAt} is set; {@link #availableAt} is a lease: nobody else
 * publishes the record before that time, and after it anyone may take it over.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {

    /** Also the CloudEvent id, so every redelivery of this event carries the same id. */
    @Id
    public UUID id;

    /** The CloudEvent type, one of {@link io.signup.contract.SignupEvent}. */
    @Column(nullable = false)
    public String type;

    @Column(name = "subscriber_id", nullable = false)
    public UUID subscriberId;

    /** The CloudEvent data exactly as first serialized, so a republish sends the same bytes. */
    @Column(nullable = false)
    public String payload;

    /** The CloudEvent time. */
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "available_at", nullable = false)
    public Instant availableAt;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "published_at")
    public Instant publishedAt;

    /** Set aside: the Broker refused the event for good, or it reached the attempt cap. */
    @Column(name = "dead_at")
    public Instant deadAt;

    /** W3C trace context of the work that wrote the record; {@code null} when tracing is off. */
    public String traceparent;

    public String tracestate;

    /**
     * Whether its writer publishes it right after the commit. False when it was written while the Broker's circuit
     * was open: it is then due at once, and the next republish sends it.
     */
    @Transient
    public boolean publishAfterCommit = true;

    public static OutboxEvent of(String type, UUID subscriberId, String payload, Instant time, Instant leaseUntil,
            TraceContext trace) {
        OutboxEvent event = new OutboxEvent();
        event.id = UUID.randomUUID();
        event.type = type;
        event.subscriberId = subscriberId;
        event.payload = payload;
        event.createdAt = time;
        event.availableAt = leaseUntil;
        event.traceparent = trace.traceparent();
        event.tracestate = trace.tracestate();
        return event;
    }

    /** A record as the relay claimed it for publishing (not managed by a session: the relay updates it by id). */
    static OutboxEvent claimed(UUID id, String type, UUID subscriberId, String payload, Instant createdAt, int attempts,
            TraceContext trace) {
        OutboxEvent event = of(type, subscriberId, payload, createdAt, null, trace);
        event.id = id;
        event.attempts = attempts;
        return event;
    }
}
