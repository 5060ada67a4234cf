package io.signup.sendemail.service;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.signup.sendemail.config.SendEmailConfig;

/**
 * The events this instance has mailed (by {@code source} + {@code id}), so a redelivery sends no second mail. Bounded
 * and in memory: it holds only within one running instance (see the module README for what holds across instances).
 */
@ApplicationScoped
public class DeliveryLog {

    private final Map<String, Boolean> delivered;
    private final Set<String> inFlight = new HashSet<>();

    public DeliveryLog(SendEmailConfig config) {
        int capacity = config.mail().rememberedEvents();
        this.delivered = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Claims the event for sending; false when it was already mailed or another delivery of it is being sent. */
    public synchronized boolean begin(String key) {
        return !delivered.containsKey(key) && inFlight.add(key);
    }

    public synchronized void delivered(String key) {
        inFlight.remove(key);
        delivered.put(key, Boolean.TRUE);
    }

    /** The send failed: a redelivery must be able to try again. */
    public synchronized void failed(String key) {
        inFlight.remove(key);
    }
}
