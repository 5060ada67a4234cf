package io.signup.saveemail;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.signup.contract.EmailAddress;
import io.smallrye.mutiny.Uni;

/** A person who signed up. One row per address, whatever the case of its letters (a unique index on lower(email)). */
@Entity
@Table(name = "subscriber")
public class Subscriber extends PanacheEntityBase {

    private static final String INSERT_IF_NEW = """
            insert into subscriber (id, email, name, created_at) values (:id, :email, :name, :createdAt)
            on conflict ((lower(email))) do nothing""";

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

    /**
     * Inserts this subscriber unless the address is already there, in any case of its letters: one statement, no
     * separate lookup, and two identical signups at the same moment cannot both insert (the unique index decides).
     *
     * @return whether it was inserted
     */
    public Uni<Boolean> insertIfNew() {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT_IF_NEW)
                        .setParameter("id", id)
                        .setParameter("email", email)
                        .setParameter("name", name)
                        .setParameter("createdAt", createdAt)
                        .executeUpdate())
                .map(inserted -> inserted == 1);
    }
}
