package io.signup.sendemail.service;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.signup.contract.EmailAddress;
import io.signup.sendemail.config.SendEmailConfig;

/**
 * Addresses this instance saw unsubscribe, and when: a welcome mail for a confirmation older than that (a late
 * redelivery) is not sent. Bounded and in memory, per instance; save-email-fn's database is the record of
 * who is subscribed, and it emits a welcome event only at the moment of confirmation.
 */
@ApplicationScoped
public class Suppressions {

    private final Map<String, Instant> unsubscribed;

    public Suppressions(SendEmailConfig config) {
        int capacity = config.mail().rememberedEvents();
        this.unsubscribed = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void unsubscribed(EmailAddress address, Instant at) {
        unsubscribed.merge(key(address), at, (old, now) -> now.isAfter(old) ? now : old);
    }

    /** Whether {@code address} unsubscribed after {@code confirmedAt}. */
    public synchronized boolean unsubscribedAfter(EmailAddress address, Instant confirmedAt) {
        Instant at = unsubscribed.get(key(address));
        return at != null && at.isAfter(confirmedAt);
    }

    private static String key(EmailAddress address) {
        return address.toString().toLowerCase(java.util.Locale.ROOT);
    }
}
