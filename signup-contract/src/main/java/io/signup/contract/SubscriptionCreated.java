package io.signup.contract;

import java.time.Instant;

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
}
