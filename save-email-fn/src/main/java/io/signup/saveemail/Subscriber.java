package io.signup.saveemail;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.signup.contract.EmailAddress;
import io.signup.contract.LinkToken;

/**
 * A subscription, one row per address whatever the case of its letters (a unique index on lower(email)). It is
 * {@link Status#PENDING} until the address owner confirms, {@link Status#CONFIRMED} until they unsubscribe. Link
 * tokens are kept only as hashes ({@link LinkToken#hash}).
 */
@Entity
@Table(name = "subscriber")
public class Subscriber extends PanacheEntityBase {

    public enum Status {
        PENDING, CONFIRMED, UNSUBSCRIBED
    }

    @Id
    public UUID id;

    /** Canonical ({@link EmailAddress}): the local part keeps its case, because that is the mailbox we deliver to. */
    @Column(nullable = false, length = EmailAddress.MAX_LENGTH)
    public String email;

    @Column(length = 100)
    public String name;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, columnDefinition = "varchar(16)")
    public Status status;

    @Column(name = "confirm_token_hash")
    public String confirmTokenHash;

    @Column(name = "confirm_expires_at")
    public Instant confirmExpiresAt;

    /** When the last confirmation mail was asked for; a repeated signup resends it only after the resend window. */
    @Column(name = "confirmation_sent_at")
    public Instant confirmationSentAt;

    @Column(name = "confirmed_at")
    public Instant confirmedAt;

    @Column(name = "unsubscribe_token_hash")
    public String unsubscribeTokenHash;

    @Column(name = "unsubscribed_at")
    public Instant unsubscribedAt;

    /** A new pending subscription whose confirmation mail carries {@code confirmToken}. */
    public static Subscriber pending(EmailAddress email, String name, String confirmToken, Instant now, Duration ttl) {
        Subscriber subscriber = new Subscriber();
        subscriber.id = UUID.randomUUID();
        subscriber.email = email.toString();
        subscriber.name = name;
        subscriber.createdAt = now;
        subscriber.askConfirmation(confirmToken, now, ttl);
        return subscriber;
    }

    /** Pending again, with a fresh confirmation token; an earlier token stops working. */
    public void askConfirmation(String confirmToken, Instant now, Duration ttl) {
        status = Status.PENDING;
        confirmTokenHash = LinkToken.hash(confirmToken);
        confirmExpiresAt = now.plus(ttl);
        confirmationSentAt = now;
    }

    /**
     * Whether a repeated signup should send a confirmation mail: never for a confirmed address, at most once per
     * {@code resendWindow} for a pending one, and always for one that unsubscribed (a new double opt-in).
     */
    public boolean wantsConfirmationMail(Instant now, Duration resendWindow) {
        return switch (status) {
            case CONFIRMED -> false;
            case UNSUBSCRIBED -> true;
            case PENDING -> confirmationSentAt == null || !now.isBefore(confirmationSentAt.plus(resendWindow));
        };
    }

    /** Confirmed; unsubscribe links carry {@code unsubscribeToken}. The confirmation token is spent. */
    public void confirm(String unsubscribeToken, Instant now) {
        status = Status.CONFIRMED;
        confirmedAt = now;
        unsubscribeTokenHash = LinkToken.hash(unsubscribeToken);
        unsubscribedAt = null;
    }

    public void unsubscribe(Instant now) {
        status = Status.UNSUBSCRIBED;
        unsubscribedAt = now;
    }
}
