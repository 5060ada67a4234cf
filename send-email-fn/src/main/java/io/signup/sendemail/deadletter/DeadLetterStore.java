package io.signup.sendemail.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.signup.http.StrictJson;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The Broker's dead letters, in Postgres: every attribute and the data of each event it could not deliver (as
 * CloudEvents JSON), the error Knative attached (which subscriber, its last status, its last answer), when it was
 * first and last seen, how often, and when it was last replayed. One row per event ({@code source} + {@code id}).
 */
@ApplicationScoped
public class DeadLetterStore {

    static final String ERROR_DEST = "knativeerrordest";
    static final String ERROR_CODE = "knativeerrorcode";
    static final String ERROR_DATA = "knativeerrordata";

    private static final JsonFormat JSON = new JsonFormat();
    /** For data that claims to be JSON and is not strict JSON: kept as it came, in data_base64, not reparsed. */
    private static final JsonFormat JSON_DATA_AS_BASE64 = new JsonFormat().withForceJsonDataToBase64();
    private static final String KEEP = """
            insert into dead_letter (source, id, type, event, error_dest, error_code, error_data, first_seen,
                                     last_seen, times_seen)
            values ($1, $2, $3, $4, $5, $6, $7, now(), now(), 1)
            on conflict (source, id) do update set type = excluded.type, event = excluded.event,
                error_dest = excluded.error_dest, error_code = excluded.error_code, error_data = excluded.error_data,
                last_seen = now(), times_seen = dead_letter.times_seen + 1""";
    private static final String LIST = """
            select source, id, type, event, error_dest, error_code, error_data, first_seen, last_seen,
                   times_seen, replayed_at
            from dead_letter order by last_seen""";
    /** Those not replayed since they were last seen; optionally one, by id (and source). */
    private static final String DUE = """
            select source, id, event from dead_letter
            where (replayed_at is null or replayed_at < last_seen)
              and ($1::varchar is null or id = $1) and ($2::varchar is null or source = $2)
            order by first_seen""";
    private static final String REPLAYED = "update dead_letter set replayed_at = now() where source = $1 and id = $2";
    private static final String COUNT_WAITING = """
            select count(*) from dead_letter where replayed_at is null or replayed_at < last_seen""";

    private final Pool pool;
    private final MeterRegistry metrics;
    /** dead_letters_waiting: not replayed since last seen, as of this process's last keep, replay or start. */
    private final AtomicLong waiting = new AtomicLong();

    public DeadLetterStore(Pool pool, MeterRegistry metrics) {
        this.pool = pool;
        this.metrics = metrics;
        metrics.gauge("dead.letters.waiting", waiting);
        metrics.counter("dead.letters.kept");
        metrics.counter("dead.letters.replayed");
    }

    void started(@Observes StartupEvent event) {
        refreshWaiting().subscribe().with(done -> { });
    }

    /** Keeps {@code deadLetter}; the Knative error extensions go to their own columns, the event keeps the rest. */
    public Uni<Void> keep(CloudEvent deadLetter) {
        CloudEvent event = CloudEventBuilder.v1(deadLetter).withoutExtension(ERROR_DEST)
                .withoutExtension(ERROR_CODE).withoutExtension(ERROR_DATA).build();
        // Added one by one: the error extensions may be absent (null), which List.of would refuse.
        Tuple values = Tuple.tuple().addString(event.getSource().toString()).addString(event.getId())
                .addString(event.getType()).addValue(new JsonObject(Buffer.buffer(formatFor(event).serialize(event))))
                .addString(text(deadLetter.getExtension(ERROR_DEST))).addString(text(deadLetter.getExtension(ERROR_CODE)))
                .addString(decoded(deadLetter.getExtension(ERROR_DATA)));
        return pool.preparedQuery(KEEP).execute(values)
                .invoke(() -> metrics.counter("dead.letters.kept").increment())
                .call(this::refreshWaiting)
                .replaceWithVoid();
    }

    /**
     * The event as it came: its JSON data inline, unless that data is not strict JSON (trailing tokens, a duplicate
     * key), which inline would be rewritten or refused by Postgres's jsonb, and is kept as base64 instead.
     */
    private static JsonFormat formatFor(CloudEvent event) {
        return StrictJson.dataProblem(event.getDataContentType(),
                event.getData() == null ? null : event.getData().toBytes()) == null ? JSON : JSON_DATA_AS_BASE64;
    }

    /** Every dead letter, oldest first, as JSON for people and scripts. */
    public Uni<JsonArray> list() {
        return pool.query(LIST).execute().map(rows -> {
            JsonArray list = new JsonArray();
            for (Row row : rows) {
                list.add(new JsonObject()
                        .put("source", row.getString("source")).put("id", row.getString("id"))
                        .put("type", row.getString("type"))
                        .put("errorDest", row.getString("error_dest")).put("errorCode", row.getString("error_code"))
                        .put("errorData", row.getString("error_data"))
                        .put("firstSeen", String.valueOf(row.getOffsetDateTime("first_seen")))
                        .put("lastSeen", String.valueOf(row.getOffsetDateTime("last_seen")))
                        .put("timesSeen", row.getInteger("times_seen"))
                        .put("replayedAt", row.getOffsetDateTime("replayed_at") == null ? null
                                : row.getOffsetDateTime("replayed_at").toString())
                        .put("event", row.getJsonObject("event")));
            }
            return list;
        });
    }

    /** The events to replay: those not replayed since last seen, or the one with {@code id} (and {@code source}). */
    public Uni<List<CloudEvent>> due(String id, String source) {
        return pool.preparedQuery(DUE).execute(Tuple.of(id, source)).map(rows -> {
            List<CloudEvent> events = new ArrayList<>();
            for (Row row : rows) {
                events.add(JSON.deserialize(row.getJsonObject("event").toBuffer().getBytes()));
            }
            return events;
        });
    }

    public Uni<Void> replayed(CloudEvent event) {
        return pool.preparedQuery(REPLAYED).execute(Tuple.of(event.getSource().toString(), event.getId()))
                .invoke(() -> metrics.counter("dead.letters.replayed").increment())
                .replaceWithVoid();
    }

    /**
     * Recounts dead_letters_waiting: after each keep, once after a replay run. Best effort: a failed count leaves the
     * gauge as it was, and never fails the keep or replay around it.
     */
    Uni<Void> refreshWaiting() {
        return pool.query(COUNT_WAITING).execute()
                .invoke(rows -> waiting.set(rows.iterator().next().getLong(0)))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** knativeerrordata is the subscriber's answer, base64-encoded by the Broker; kept readable when it is text. */
    private static String decoded(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(value.toString()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return value.toString();
        }
    }
}
