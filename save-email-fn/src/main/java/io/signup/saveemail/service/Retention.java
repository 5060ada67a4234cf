package io.signup.saveemail.service;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.signup.saveemail.config.SaveEmailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps nothing longer than needed, run with each republish (the PingSource): never-confirmed subscribers a while
 * after their link expired, with their consent records and outbox records; ended subscriptions (unsubscribed) a while
 * after they ended, with the same, and the address in their suppression row (its key keeps holding back old mails);
 * dead letters after their age. Each part is one statement on the pool; what a run deleted is logged and counted
 * ({@code retention_deleted_total{what}}).
 */
@ApplicationScoped
public class Retention {

    /** What one run deleted. */
    public record Deleted(long unconfirmed, long ended, long consentRecords, long deadLetters) {

        boolean nothing() {
            return unconfirmed + ended + consentRecords + deadLetters == 0;
        }
    }

    /**
     * The subscribers {@code $1} selects, with their consent and outbox records, in one statement (foreign keys are
     * checked at its end). The final delete repeats the condition, so a subscriber that changed meanwhile stays.
     */
    private static final String SUBSCRIBERS = """
            with gone as (select id, email from subscriber where %1$s),
            consent as (delete from consent_record where subscriber_id in (select id from gone) returning 1),
            outbox as (delete from outbox_event where subscriber_id in (select id from gone) returning 1),
            anonymous as (update suppression set email = null where email in (select lower(email) from gone)
                returning 1),
            subscribers as (delete from subscriber where id in (select id from gone) and %1$s returning 1)
            select (select count(*) from subscribers) as subscribers, (select count(*) from consent) as consent""";
    private static final String UNCONFIRMED = SUBSCRIBERS.formatted(
            "status = 'PENDING' and confirmed_at is null and coalesce(confirm_expires_at, created_at) < $1");
    private static final String ENDED = SUBSCRIBERS.formatted("status = 'UNSUBSCRIBED' and unsubscribed_at < $1");
    private static final String DEAD_LETTERS = "delete from dead_letter where last_seen < $1";

    private final Pool pool;
    private final SaveEmailConfig.Retention config;
    private final MeterRegistry metrics;

    public Retention(Pool pool, SaveEmailConfig config, MeterRegistry metrics) {
        this.pool = pool;
        this.config = config.retention();
        this.metrics = metrics;
        for (String what : List.of("unconfirmed_subscribers", "ended_subscriptions", "consent_records",
                "dead_letters")) {
            metrics.counter("retention.deleted", "what", what);
        }
    }

    /** Deletes what is past its time at {@code now}, and reports it. */
    public Uni<Deleted> run(Instant now) {
        return subscribers(UNCONFIRMED, now.minus(config.unconfirmed()))
                .chain(unconfirmed -> subscribers(ENDED, now.minus(config.consent()))
                        .chain(ended -> pool.preparedQuery(DEAD_LETTERS)
                                .execute(Tuple.of(now.minus(config.deadLetters()).atOffset(ZoneOffset.UTC)))
                                .map(letters -> new Deleted(unconfirmed[0], ended[0], unconfirmed[1] + ended[1],
                                        letters.rowCount()))))
                .invoke(this::report);
    }

    /** {subscribers, consent records} deleted. */
    private Uni<long[]> subscribers(String sql, Instant before) {
        return pool.preparedQuery(sql).execute(Tuple.of(before.atOffset(ZoneOffset.UTC))).map(rows -> {
            Row row = rows.iterator().next();
            return new long[] { row.getLong("subscribers"), row.getLong("consent") };
        });
    }

    private void report(Deleted deleted) {
        metrics.counter("retention.deleted", "what", "unconfirmed_subscribers").increment(deleted.unconfirmed());
        metrics.counter("retention.deleted", "what", "ended_subscriptions").increment(deleted.ended());
        metrics.counter("retention.deleted", "what", "consent_records").increment(deleted.consentRecords());
        metrics.counter("retention.deleted", "what", "dead_letters").increment(deleted.deadLetters());
        if (!deleted.nothing()) {
            Log.infof("Retention: deleted %d never-confirmed subscriber(s), %d ended subscription(s), %d consent "
                    + "record(s), %d dead letter(s)", deleted.unconfirmed(), deleted.ended(), deleted.consentRecords(),
                    deleted.deadLetters());
        }
    }
}
