package io.signup.sendemail.subject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.signup.contract.EmailAddress;
import io.signup.contract.SignupEvent;
import io.signup.contract.SubscriptionErased;
import io.signup.sendemail.service.Suppressions;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * One person's data rights over what the system holds about their address, in every table of the shared database:
 * the subscriber, its consent records and outbox records (save-email-fn's), the mails and dead letters of its
 * events, its abuse-limit counts, its suppression row and soft bounces. Export reads them all as one JSON document;
 * erasure deletes them all in one statement (so it is whole or nothing) and keeps only the address's keyed hash in the
 * suppression list, as ERASED, so that it is never mailed again. No proof of consent is kept after an erasure: the
 * consent records go with the rest, and the suppression row is the record that the erasure was done, and when.
 * <p>
 * An erasure of an address we had a subscriber for is announced ({@link SubscriptionErased}: its key and the time,
 * no address) so that consumers of the other events erase their copies: the statement writes the event into
 * save-email-fn's outbox (with no subscriber, which is gone), where nothing can lose it, and save-email-fn's next
 * republish run publishes it (the PingSource's, every 15 minutes on the cluster). This function has no outbox and no
 * Broker client of its own; the statement makes it whole or nothing with the erasure.
 */
@ApplicationScoped
// The event data is serialized with Jackson outside Funqy's view: registered for reflection in the native image.
@RegisterForReflection(targets = SubscriptionErased.class)
public class SubjectData {

    /** $1 the address in lower case, $2 its abuse-limit key (save-email-fn's RateLimiter), $3 its suppression key. */
    private static final String SUBJECT = """
            subject as (select id from subscriber where lower(email) = $1),
            events as (select o.id::text as id from outbox_event o where o.subscriber_id in (select id from subject)
                       union select d.id from dead_letter d where lower(d.event -> 'data' ->> 'email') = $1)""";
    private static final String EXPORT = "with " + SUBJECT + """

            select jsonb_build_object(
                'subscriber', (select to_jsonb(s) from subscriber s where s.id in (select id from subject)),
                'consentRecords', coalesce((select jsonb_agg(to_jsonb(c) order by c.recorded_at) from consent_record c
                                            where c.subscriber_id in (select id from subject)), '[]'),
                'outboxEvents', coalesce((select jsonb_agg(to_jsonb(o) order by o.created_at) from outbox_event o
                                          where o.subscriber_id in (select id from subject)), '[]'),
                'deadLetters', coalesce((select jsonb_agg(to_jsonb(d) order by d.first_seen) from dead_letter d
                                         where d.id in (select id from events)), '[]'),
                'mailDeliveries', coalesce((select jsonb_agg(to_jsonb(m) order by m.updated_at) from mail_delivery m
                                            where split_part(m.event_key, ' ', 2) in (select id from events)), '[]'),
                'rateLimits', coalesce((select jsonb_agg(to_jsonb(r) order by r.window_start) from rate_limit r
                                        where r.key = $2), '[]'),
                'suppression', (select to_jsonb(x) from suppression x where x.address_key = $3),
                'softBounces', coalesce((select jsonb_agg(to_jsonb(b) order by b.bounced_at) from soft_bounce b
                                         where b.address_key = $3), '[]')) as export""";
    private static final String ERASE = "with " + SUBJECT + """
            ,
            mails as (delete from mail_delivery where split_part(event_key, ' ', 2) in (select id from events)
                      returning 1),
            letters as (delete from dead_letter where id in (select id from events) returning 1),
            consent as (delete from consent_record where subscriber_id in (select id from subject) returning 1),
            outbox as (delete from outbox_event where subscriber_id in (select id from subject) returning 1),
            subscribers as (delete from subscriber where id in (select id from subject) returning 1),
            limits as (delete from rate_limit where key = $2 returning 1),
            bounces as (delete from soft_bounce where address_key = $3 returning 1),
            announced as (insert into outbox_event (id, type, subscriber_id, payload, created_at, available_at,
                                                    attempts)
                          select $4::uuid, $5::varchar, null::uuid, $6::text, $7::timestamptz, $7::timestamptz, 0
                          where exists (select 1 from subject)
                          returning 1),
            erased as (insert into suppression (address_key, email, reason, detail, suppressed_at)
                       values ($3, null, 'ERASED', null, now())
                       on conflict (address_key) do update set email = null, reason = 'ERASED', detail = null,
                           suppressed_at = now()
                       returning 1)
            select (select count(*) from subscribers) as subscribers, (select count(*) from consent) as consent,
                   (select count(*) from outbox) as outbox, (select count(*) from letters) as dead_letters,
                   (select count(*) from mails) as mails, (select count(*) from limits) as limits,
                   (select count(*) from bounces) as soft_bounces, (select count(*) from erased) as suppressed,
                   (select count(*) from announced) as announced""";

    private final Pool pool;
    private final MeterRegistry metrics;
    private final ObjectMapper mapper;
    private final Suppressions suppressions;

    public SubjectData(Pool pool, MeterRegistry metrics, ObjectMapper mapper, Suppressions suppressions) {
        this.pool = pool;
        this.metrics = metrics;
        this.mapper = mapper;
        this.suppressions = suppressions;
        metrics.counter("data.requests", "kind", "export");
        metrics.counter("data.requests", "kind", "erasure");
    }

    /** Everything held about {@code address}, as one document. */
    public Uni<JsonObject> export(EmailAddress address) {
        return pool.preparedQuery(EXPORT).execute(keys(address)).map(rows -> {
            metrics.counter("data.requests", "kind", "export").increment();
            Object export = rows.iterator().next().getValue("export");
            return new JsonObject().put("email", address.toString()).put("exportedAt", Instant.now().toString())
                    .mergeIn(export instanceof JsonObject json ? json : new JsonObject(String.valueOf(export)));
        });
    }

    /** Erases {@code address} from every table; answers how many rows went from each. */
    public Uni<JsonObject> erase(EmailAddress address) {
        Tuple keys = keys(address);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try {
            keys.addUUID(UUID.randomUUID()).addString(SignupEvent.ERASED.type())
                    .addString(mapper.writeValueAsString(new SubscriptionErased(keys.getString(2), now)))
                    .addOffsetDateTime(now.atOffset(ZoneOffset.UTC));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data not serializable", e);
        }
        return pool.preparedQuery(ERASE).execute(keys).map(rows -> {
            Row row = rows.iterator().next();
            JsonObject deleted = new JsonObject();
            for (String column : new String[] { "subscribers", "consent", "outbox", "dead_letters", "mails", "limits",
                "soft_bounces" }) {
                deleted.put(column, row.getLong(column));
            }
            metrics.counter("data.requests", "kind", "erasure").increment();
            metrics.counter("suppressions", "reason", Suppressions.Reason.ERASED.label()).increment();
            Log.infof("Erased an address: %s", deleted.encode());
            return new JsonObject().put("erased", true).put("deleted", deleted)
                    .put("announced", row.getLong("announced") > 0)
                    .put("kept", "the address's keyed hash in the suppression list (ERASED), so it is never mailed again");
        });
    }

    private Tuple keys(EmailAddress address) {
        Suppressions.Address key = suppressions.address(address);
        // save-email-fn's RateLimiter counts a mailbox under this key.
        return Tuple.of(key.email(), "mailbox:" + address.mailbox(), key.key());
    }
}
