package io.signup.contract;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

/**
 * The CloudEvents save-email-fn emits, one per step of a subscription's life cycle, defined once: type, data record
 * and JSON Schema. Producer, consumer, their tests, the Triggers in knative/ and the README all name these.
 * <p>
 * Every type is reverse-DNS and versioned: a breaking change to the data gets a new type, so old and new can coexist.
 * All are emitted by one source, and {@code source} + {@code id} identify one event across redeliveries. Only the
 * types a function of ours consumes have a Trigger ({@link #triggered()}); the others are announced for whoever
 * subscribes (their EventTypes in knative/ say what they carry).
 */
public enum SignupEvent {

    /** Someone asked to subscribe an address (new, pending again, or back after unsubscribing): confirmation mail. */
    REQUESTED(SubscriptionRequested.TYPE, SubscriptionRequested.class, "subscription-requested-v1", true),
    /** The address owner pressed the confirmation button: welcome mail. */
    CONFIRMED(SubscriptionConfirmed.TYPE, SubscriptionConfirmed.class, "subscription-confirmed-v1", true),
    /** The subscriber unsubscribed: no more mail to this address until a new double opt-in. */
    UNSUBSCRIBED(SubscriptionUnsubscribed.TYPE, SubscriptionUnsubscribed.class, "subscription-unsubscribed-v1", true),
    /**
     * A bounce or complaint report put the address on the suppression list. send-email-fn reads that list before
     * every mail, so it needs no Trigger: the event is for consumers outside the three functions.
     */
    SUPPRESSED(SubscriptionSuppressed.TYPE, SubscriptionSuppressed.class, "subscription-suppressed-v1", false),
    /**
     * An address was erased on its owner's request; only its key is kept, as suppressed. For consumers outside the
     * three functions, which hold copies of what the other events carried.
     */
    ERASED(SubscriptionErased.TYPE, SubscriptionErased.class, "subscription-erased-v1", false);

    /** Stable producer identity. */
    public static final String SOURCE = "urn:signup:save-email-fn";

    public static final String DATA_CONTENT_TYPE = "application/json";

    private final String type;
    private final Class<? extends Record> dataType;
    private final String schemaName;
    private final boolean triggered;

    SignupEvent(String type, Class<? extends Record> dataType, String schemaName, boolean triggered) {
        this.type = type;
        this.dataType = dataType;
        this.schemaName = schemaName;
        this.triggered = triggered;
    }

    /** Whether a Trigger delivers this type to send-email-fn (one Trigger per such type, in knative/). */
    public boolean triggered() {
        return triggered;
    }

    public String type() {
        return type;
    }

    public Class<? extends Record> dataType() {
        return dataType;
    }

    /** Classpath location of the JSON Schema (draft 2020-12) of this event's data. */
    public String schemaResource() {
        return "/io/signup/contract/" + schemaName + ".schema.json";
    }

    /** The schema's {@code $id}, sent as the event's {@code dataschema}. */
    public URI dataSchema() {
        return URI.create("urn:signup:schema:" + schemaName);
    }

    public static Optional<SignupEvent> ofType(String type) {
        return Arrays.stream(values()).filter(event -> event.type.equals(type)).findFirst();
    }

    /**
     * The CloudEvent carrying {@code data} (serialized JSON of this type's record). The id is the producer's stable id
     * for the event, so a redelivery carries the same id.
     */
    public CloudEvent cloudEvent(UUID id, Instant time, byte[] data) {
        return CloudEventBuilder.v1()
                .withId(id.toString())
                .withType(type)
                .withSource(URI.create(SOURCE))
                .withTime(time.atOffset(ZoneOffset.UTC))
                .withDataContentType(DATA_CONTENT_TYPE)
                .withDataSchema(dataSchema())
                .withData(data)
                .build();
    }
}
