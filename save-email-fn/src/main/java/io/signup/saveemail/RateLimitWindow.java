package io.signup.saveemail;

import java.io.Serializable;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * One abuse-limit window's count (service.RateLimiter), read through the session when a signup's statement stored
 * nothing and the limits' verdict is needed. The statements that count write it directly.
 */
@Entity
@Table(name = "rate_limit")
public class RateLimitWindow extends PanacheEntityBase {

    @EmbeddedId
    public Id id;

    @Column(nullable = false)
    public int hits;

    /** A key ({@code client:<address>} or {@code mailbox:<mailbox>}) and the window's start. */
    @Embeddable
    public record Id(@Column(name = "key") String key, @Column(name = "window_start") Instant windowStart)
            implements Serializable {
    }
}
