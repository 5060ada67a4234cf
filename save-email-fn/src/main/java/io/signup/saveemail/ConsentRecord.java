package io.signup.saveemail;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * Proof of consent, one row per step a person took (signup, confirm, unsubscribe): when, from which client address,
 * having seen which version of the page. Written in the same transaction as the change it proves.
 */
@Entity
@Table(name = "consent_record")
public class ConsentRecord extends PanacheEntityBase {

    public enum Action {
        SIGNUP, CONFIRM, UNSUBSCRIBE
    }

    @Id
    public UUID id;

    @Column(name = "subscriber_id", nullable = false)
    public UUID subscriberId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, columnDefinition = "varchar(16)")
    public Action action;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    @Column(name = "consent_version")
    public String consentVersion;

    @Column(name = "client_address")
    public String clientAddress;

    @Column(name = "user_agent")
    public String userAgent;

    public static ConsentRecord of(Subscriber subscriber, Action action, Requester requester, Instant now) {
        ConsentRecord record = new ConsentRecord();
        record.id = UUID.randomUUID();
        record.subscriberId = subscriber.id;
        record.action = action;
        record.recordedAt = now;
        record.consentVersion = requester.consentVersion();
        record.clientAddress = requester.address();
        record.userAgent = requester.userAgent();
        return record;
    }
}
