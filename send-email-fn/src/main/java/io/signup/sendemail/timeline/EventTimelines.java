package io.signup.sendemail.timeline;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What the database knows about one event, for an operator following it: its outbox record (stored, publish
 * attempts, the Broker's answer, published or set aside), its mail (claimed, sent, suppressed or unknown, with the
 * Message-ID) and its dead letter (why, how often, replayed). The outbox belongs to save-email-fn; both functions
 * share the database, and this reads it only. What happened between the Broker and a Trigger's subscriber is the
 * Broker's to tell: the local one lists it, and the timeline tool puts the two together.
 */
@ApplicationScoped
public class EventTimelines {

    private static final String OUTBOX = """
            select o.id, o.type, o.created_at, o.attempts, o.last_attempt_at, o.broker_status, o.last_error,
                   o.published_at, o.dead_at, s.status as subscriber_status
            from outbox_event o join subscriber s on s.id = o.subscriber_id
            where o.id = $1""";
    /** An event's mail row, by the event id that ends its key ({@code source id}). */
    private static final String MAIL = """
            select event_key, state, message_id, updated_at, takeovers, suppressed_because from mail_delivery
            where split_part(event_key, ' ', 2) = $1""";
    private static final String MAIL_BY_MESSAGE_ID = "select event_key from mail_delivery where message_id = $1";
    private static final String DEAD_LETTER = """
            select source, type, error_dest, error_code, error_data, first_seen, last_seen, times_seen, replayed_at
            from dead_letter where id = $1""";
    private static final String SUBSCRIBER = """
            select id, email, status, created_at, confirmed_at, unsubscribed_at from subscriber
            where lower(email) = lower($1)""";
    /** The address's events: its outbox records (kept until the retention) and its dead letters. */
    private static final String EVENTS_OF = """
            select id::text as id, created_at as at from outbox_event where subscriber_id = $1
            union
            select id, first_seen from dead_letter where lower(event -> 'data' ->> 'email') = lower($2)
            order by at""";

    private final Pool pool;

    public EventTimelines(Pool pool) {
        this.pool = pool;
    }

    /** The event with {@code id}, or empty when no table holds anything about it. */
    public Uni<Optional<JsonObject>> event(String id) {
        Uni<RowSet<Row>> outbox = uuid(id) == null ? Uni.createFrom().nullItem()
                : pool.preparedQuery(OUTBOX).execute(Tuple.of(uuid(id)));
        Uni<RowSet<Row>> mail = pool.preparedQuery(MAIL).execute(Tuple.of(id));
        Uni<RowSet<Row>> deadLetter = pool.preparedQuery(DEAD_LETTER).execute(Tuple.of(id));
        return Uni.combine().all().unis(outbox, mail, deadLetter).with((o, m, d) -> {
            JsonObject event = new JsonObject().put("id", id)
                    .put("outbox", first(o).map(EventTimelines::outbox).orElse(null))
                    .put("mail", first(m).map(EventTimelines::mail).orElse(null))
                    .put("deadLetter", first(d).map(EventTimelines::deadLetter).orElse(null));
            boolean known = event.getValue("outbox") != null || event.getValue("mail") != null
                    || event.getValue("deadLetter") != null;
            return known ? Optional.of(event) : Optional.empty();
        });
    }

    /** The event whose mail carried {@code messageId}, as {@link #event}. */
    public Uni<Optional<JsonObject>> byMessageId(String messageId) {
        return pool.preparedQuery(MAIL_BY_MESSAGE_ID).execute(Tuple.of(messageId)).chain(rows -> first(rows)
                .map(row -> event(eventId(row.getString("event_key"))))
                .orElse(Uni.createFrom().item(Optional.empty())));
    }

    /** The subscriber with {@code email} (null when none) and the timeline of each of its events, oldest first. */
    public Uni<JsonObject> ofAddress(String email) {
        return pool.preparedQuery(SUBSCRIBER).execute(Tuple.of(email)).chain(rows -> {
            Optional<Row> subscriber = first(rows);
            UUID subscriberId = subscriber.map(row -> row.getUUID("id")).orElse(null);
            return pool.preparedQuery(EVENTS_OF).execute(Tuple.of(subscriberId, email))
                    .chain(ids -> events(ids).map(events -> new JsonObject()
                            .put("subscriber", subscriber.map(EventTimelines::subscriber).orElse(null))
                            .put("events", events)));
        });
    }

    private Uni<JsonArray> events(RowSet<Row> ids) {
        List<Uni<Optional<JsonObject>>> events = new ArrayList<>();
        ids.forEach(row -> events.add(event(row.getString("id"))));
        if (events.isEmpty()) {
            return Uni.createFrom().item(new JsonArray());
        }
        return Uni.join().all(events).andFailFast().map(all -> {
            JsonArray list = new JsonArray();
            all.forEach(event -> event.ifPresent(list::add));
            return list;
        });
    }

    private static JsonObject outbox(Row row) {
        return new JsonObject().put("type", row.getString("type"))
                .put("storedAt", time(row, "created_at"))
                // attempts counts those that failed; the one the Broker took is not among them
                .put("failedAttempts", row.getInteger("attempts"))
                .put("lastAttemptAt", time(row, "last_attempt_at"))
                .put("brokerStatus", row.getValue("broker_status") == null ? null : (int) row.getShort("broker_status"))
                .put("lastError", row.getString("last_error"))
                .put("publishedAt", time(row, "published_at"))
                .put("setAsideAt", time(row, "dead_at"))
                .put("subscriberStatus", row.getString("subscriber_status"));
    }

    private static JsonObject mail(Row row) {
        String key = row.getString("event_key");
        return new JsonObject().put("source", key.substring(0, key.length() - eventId(key).length() - 1))
                .put("state", row.getString("state")).put("messageId", row.getString("message_id"))
                .put("at", time(row, "updated_at")).put("takeovers", row.getInteger("takeovers"))
                .put("suppressedBecause", row.getString("suppressed_because"));
    }

    private static JsonObject deadLetter(Row row) {
        return new JsonObject().put("source", row.getString("source")).put("type", row.getString("type"))
                .put("errorDest", row.getString("error_dest")).put("errorCode", row.getString("error_code"))
                .put("errorData", row.getString("error_data"))
                .put("firstSeen", time(row, "first_seen")).put("lastSeen", time(row, "last_seen"))
                .put("timesSeen", row.getInteger("times_seen")).put("replayedAt", time(row, "replayed_at"));
    }

    private static JsonObject subscriber(Row row) {
        return new JsonObject().put("email", row.getString("email")).put("status", row.getString("status"))
                .put("createdAt", time(row, "created_at")).put("confirmedAt", time(row, "confirmed_at"))
                .put("unsubscribedAt", time(row, "unsubscribed_at"));
    }

    /** Keys are {@code source id}; a source is a URI reference, which holds no space. */
    private static String eventId(String eventKey) {
        return eventKey.substring(eventKey.indexOf(' ') + 1);
    }

    private static String time(Row row, String column) {
        OffsetDateTime time = row.getOffsetDateTime(column);
        return time == null ? null : time.toInstant().toString();
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        return rows == null || !rows.iterator().hasNext() ? Optional.empty() : Optional.of(rows.iterator().next());
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }
}
