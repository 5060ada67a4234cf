package io.signup.saveemail;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.signup.contract.EmailAddress;
import io.smallrye.mutiny.Uni;

/** A person who signed up. One row per address, whatever the case of its letters (a unique index on lower(email)). */
@Entity
@Table(name = "subscriber")
public class Subscriber extends PanacheEntityBase {

    @Id
    public UUID id;

    /** Normalized as typed: the local part keeps its case, because that is the mailbox we deliver to. */
    @Column(nullable = false, length = EmailAddress.MAX_LENGTH)
    public String email;

    @Column(length = 100)
    public String name;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static Subscriber of(EmailAddress email, String name, Instant now) {
        Subscriber subscriber = new Subscriber();
        subscriber.id = UUID.randomUUID();
        subscriber.email = email.toString();
        subscriber.name = name;
        subscriber.createdAt = now;
        return subscriber;
    }

    public static Uni<Boolean> exists(EmailAddress email) {
        return count("lower(email) = lower(?1)", email.toString()).map(count -> count > 0);
    }
}
