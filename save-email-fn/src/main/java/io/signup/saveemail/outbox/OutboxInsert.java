package io.signup.saveemail.outbox;

import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The outbox record as a part of a data-modifying statement that writes it with the change it announces (one round
 * trip, one snapshot): the insert, and the binding of the record's values to its parameters.
 */
public final class OutboxInsert {

    private OutboxInsert() {
    }

    /**
     * Inserts the record bound by {@link #bind} once per row of {@code from} (a CTE of the statement), with the
     * subscriber that {@code subscriberId} (an SQL expression over it) names.
     */
    public static String sql(String subscriberId, String from) {
        return """
                insert into outbox_event (id, type, subscriber_id, payload, created_at, available_at, attempts,
                                          traceparent, tracestate)
                select cast(:eventId as uuid), cast(:type as varchar), %s, cast(:payload as text),
                       cast(:now as timestamptz), cast(:availableAt as timestamptz), 0, cast(:traceparent as varchar),
                       cast(:tracestate as varchar)
                from %s""".formatted(subscriberId, from);
    }

    /** Binds {@code event}'s values; the statement binds {@code :now}, the time of the change, itself. */
    public static <R> Mutiny.Query<R> bind(Mutiny.Query<R> query, OutboxEvent event) {
        return query.setParameter("eventId", event.id)
                .setParameter("type", event.type)
                .setParameter("payload", event.payload)
                .setParameter("availableAt", event.availableAt)
                .setParameter("traceparent", event.traceparent)
                .setParameter("tracestate", event.tracestate);
    }
}
