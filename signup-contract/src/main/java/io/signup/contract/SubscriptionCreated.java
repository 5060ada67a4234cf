package io.signup.contract;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

/**
 * Data of the {@value #TYPE} CloudEvent that save-email-fn emits once per new subscriber and send-email-fn consumes.
 * <p>
 * This class is the single definition of the event: its attributes are the constants below, its data is this record,
 * and {@value #SCHEMA_RESOURCE} describes the same data as a JSON Schema for consumers in other languages and for the
 * tests of both ends. The Knative Trigger filters on {@link #TYPE}.
 *
 * @param email        the subscriber's address, already validated and normalized by {@link EmailAddress}
 * @param name         the name the subscriber gave, or {@code null}
 * @param subscribedAt when the subscription was stored
 */
public record SubscriptionCreated(String email, String name, Instant subscribedAt) {

    /** Reverse-DNS and versioned: a breaking change to the data gets a new type, so old and new can coexist. */
    public static final String TYPE = "io.signup.subscription.created.v1";

    /** Stable producer identity; together with the event id it identifies one signup across redeliveries. */
    public static final String SOURCE = "urn:signup:save-email-fn";

    public static final String DATA_CONTENT_TYPE = "application/json";

    /** Classpath location of the JSON Schema (draft 2020-12) of the event data. */
    public static final String SCHEMA_RESOURCE = "/io/signup/contract/subscription-created-v1.schema.json";

    /** Longest name we accept and put in a mail body. */
    public static final int NAME_MAX_LENGTH = 100;

    /**
     * The CloudEvent carrying {@code data} (already serialized JSON of this record). The id is the producer's stable
     * id for the signup, so a redelivery carries the same id.
     */
    public static CloudEvent cloudEvent(UUID id, Instant time, byte[] data) {
        return CloudEventBuilder.v1()
                .withId(id.toString())
                .withType(TYPE)
                .withSource(URI.create(SOURCE))
                .withTime(time.atOffset(ZoneOffset.UTC))
                .withDataContentType(DATA_CONTENT_TYPE)
                .withData(data)
                .build();
    }

    /**
     * The optional name, trimmed ({@code null} when blank). Only plain text of bounded length: it ends up in a mail.
     *
     * @throws InvalidSignupException when it is too long or holds control characters
     */
    public static String normalizeName(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String name = raw.strip();
        if (name.length() > NAME_MAX_LENGTH) {
            throw new InvalidSignupException(InvalidSignupException.Reason.NAME_INVALID,
                    "name must be at most " + NAME_MAX_LENGTH + " characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSignupException(InvalidSignupException.Reason.NAME_INVALID,
                    "name must not contain control characters");
        }
        return name;
    }
}
