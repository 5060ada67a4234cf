package io.signup.saveemail.outbox;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.signup.contract.SignupEvent;
import io.signup.contract.SubscriptionConfirmed;
import io.signup.contract.SubscriptionRequested;
import io.signup.contract.SubscriptionSuppressed;
import io.signup.contract.SubscriptionUnsubscribed;
import io.signup.saveemail.Subscriber;
import io.signup.saveemail.config.SaveEmailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes outbox records and moves them to the Broker. A record is written by the service's own transaction (through
 * Hibernate, with the change it announces); from then on the relay reaches it only through the reactive pool, one
 * autocommitted statement at a time (claim, mark published, release or set aside, count, prune), or through the
 * next signup's statement, which writes the marks of the events published after their commit ({@link PublishMarks}).
 * A record is marked published only after the Broker accepted it, so an event is delivered at least once; the lease
 * on each record keeps two publishers from sending it at the same time, so in the normal path it is sent exactly
 * once.
 */
@ApplicationScoped
// The event data is serialized with Jackson outside Funqy's view: registered for reflection in the native image.
@RegisterForReflection(targets = { SubscriptionRequested.class, SubscriptionConfirmed.class,
        SubscriptionUnsubscribed.class, SubscriptionSuppressed.class })
public class OutboxRelay {

    private static final int LAST_ERROR_MAX_LENGTH = 500;
    /** outbox_published_total{path}: right after the commit, or by a republish run. */
    private static final String DIRECT = "direct";
    private static final String REPUBLISH = "republish";
    /**
     * Takes the oldest due records and leases them, in one statement. SKIP LOCKED: concurrent republishers (several
     * replicas, overlapping pings) split the work instead of waiting for each other or sending a record twice.
     */
    private static final String CLAIM_DUE_SQL = """
            update outbox_event set available_at = $1
            where id in (select id from outbox_event
                         where published_at is null and dead_at is null and available_at <= $2
                         order by created_at
                         limit $3
                         for update skip locked)
            returning id, type, subscriber_id, payload, created_at, attempts, traceparent, tracestate""";
    private static final String COUNT_PENDING_SQL = """
            select count(*), min(created_at) from outbox_event where published_at is null and dead_at is null""";
    /** Each attempt's end keeps the Broker's status and its time, for the event's timeline (0: no answer). */
    private static final String RELEASE_SQL = """
            update outbox_event set available_at = now(), attempts = attempts + 1, last_error = $1, broker_status = $3,
                last_attempt_at = now()
            where id = $2""";
    /** Records claimed or leased but not sent (the Broker's circuit is open): due again, with no attempt counted. */
    private static final String RELEASE_UNSENT_SQL = "update outbox_event set available_at = now() where id = any($1)";
    private static final String SET_ASIDE_SQL = """
            update outbox_event set dead_at = now(), attempts = attempts + 1, last_error = $1, broker_status = $3,
                last_attempt_at = now()
            where id = $2""";
    private static final String PRUNE_SQL = "delete from outbox_event where published_at < $1";

    private final BrokerClient broker;
    private final PublishMarks marks;
    private final ObjectMapper mapper;
    private final Pool pool;
    private final SaveEmailConfig.Outbox config;
    private final MeterRegistry metrics;
    /** outbox_pending: refreshed by every republish run and after every failed publish. */
    private final AtomicLong pending = new AtomicLong();
    /** When the oldest pending record was written, as of the same refresh; null when none is pending. */
    private final AtomicReference<Instant> oldestPending = new AtomicReference<>();
    /** Whether a drain started by the Broker's circuit breaker is still running. */
    private final AtomicBoolean draining = new AtomicBoolean();

    public OutboxRelay(BrokerClient broker, PublishMarks marks, ObjectMapper mapper, Pool pool, SaveEmailConfig config,
            MeterRegistry metrics) {
        this.broker = broker;
        this.marks = marks;
        this.mapper = mapper;
        this.pool = pool;
        this.config = config.outbox();
        this.metrics = metrics;
        metrics.gauge("outbox.pending", pending);
        // Ages as time passes, between refreshes too: what the stuck-outbox alert reads.
        Gauge.builder("outbox.oldest.pending.age", oldestPending, OutboxRelay::ageSeconds).baseUnit("seconds")
                .description("How long the oldest unpublished record has waited (0: none)").register(metrics);
        // From zero, so a rate or an alert over them has a series before the first failure.
        for (String path : List.of(DIRECT, REPUBLISH)) {
            metrics.counter("outbox.published", "path", path);
        }
        metrics.counter("outbox.publish.failures");
        metrics.counter("outbox.set.aside");
        metrics.counter("outbox.publish.deferred");
        broker.onBacklogDue(this::drainBacklog);
    }

    /**
     * A new record announcing {@code data} about {@code subscriber}, leased to whoever writes it. It keeps the current
     * trace context, so its event continues the trace of the request that caused it, even when republished later.
     * The data is serialized once, here, so a republish sends the same bytes.
     */
    public OutboxEvent newRecord(SignupEvent event, Subscriber subscriber, Record data, Instant now) {
        OutboxEvent record = newRecord(event, data, now);
        record.subscriberId = subscriber.id;
        return record;
    }

    /** As above, for a statement that finds the subscriber itself and sets the record's subscriber_id. */
    public OutboxEvent newRecord(SignupEvent event, Record data, Instant now) {
        if (!event.dataType().isInstance(data)) {
            throw new IllegalArgumentException(event + " carries " + event.dataType().getSimpleName());
        }
        // While the Broker's circuit is open nobody will publish it after the commit: it is due for a republish at once.
        boolean publishAfterCommit = broker.publishesInline();
        try {
            OutboxEvent record = OutboxEvent.of(event.type(), null, mapper.writeValueAsString(data), now,
                    publishAfterCommit ? leaseFrom(now) : now, TraceContext.current());
            record.publishAfterCommit = publishAfterCommit;
            return record;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data not serializable", e);
        }
    }

    /** When a record leased now may be taken over if its publisher has not marked it by then. */
    private Instant leaseFrom(Instant now) {
        return now.plus(config.lease());
    }

    /**
     * Publishes a record that was just committed. Never fails: if the Broker does not take the event, the record is
     * released for the next {@link #republishPending()} and the signup stands. If it does, the record's mark waits in
     * {@link PublishMarks} for the next signup's statement, which writes it at no extra round trip. A record written
     * while the Broker's circuit was open costs nothing here: outbox_publish_deferred_total counts it, and the
     * republish sends it.
     */
    public Uni<Void> publish(OutboxEvent record) {
        if (!record.publishAfterCommit) {
            countDeferred();
            return Uni.createFrom().voidItem();
        }
        return broker.publish(record)
                .invoke(status -> {
                    marks.add(record.id, status, Instant.now());
                    metrics.counter("outbox.published", "path", DIRECT).increment();
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> failed(record, failure).chain(this::refreshPending));
    }

    /**
     * Publishes what is due, batch after batch (oldest first), until nothing is left, the time budget is spent, or the
     * Broker fails in a way a retry may fix (it is likely down: the rest waits for the next call). A record the Broker
     * refuses for good, or one past the attempt cap, is set aside and the run goes on, so it never blocks younger
     * records. Then published records older than the retention are deleted.
     *
     * @return how many events were published
     */
    public Uni<Integer> republishPending() {
        Instant deadline = Instant.now().plus(config.republishBudget());
        // Waiting marks first, so that the pending count below is only what the Broker has not taken.
        // A failure there leaves them waiting (logged by PublishMarks); the run goes on.
        return marks.flush().onFailure().recoverWithNull().chain(() -> drain(deadline, 0))
                .call(this::prunePublished)
                .call(this::refreshPending);
    }

    private Uni<Integer> drain(Instant deadline, int publishedSoFar) {
        if (!Instant.now().isBefore(deadline)) {
            return Uni.createFrom().item(publishedSoFar);
        }
        return claimDue().chain(records -> publishInOrder(records).chain(batch -> {
            int published = publishedSoFar + batch.published();
            boolean more = records.size() == config.batchSize() && !batch.brokerDown();
            return more ? drain(deadline, published) : Uni.createFrom().item(published);
        }));
    }

    /** What one batch did: records tried, events published, and whether the Broker failed as if down. */
    private record Batch(int tried, int published, boolean brokerDown) {
    }

    /**
     * Publishes the claimed records oldest first, and stops at the first failure that looks like an outage. The
     * records it did not try are made due again at once (in one statement, no attempt counted), so that the breaker's
     * next probe finds them instead of waiting for their lease to end.
     */
    private Uni<Batch> publishInOrder(List<OutboxEvent> records) {
        Uni<Batch> chain = Uni.createFrom().item(new Batch(0, 0, false));
        for (OutboxEvent record : records) {
            chain = chain.chain(batch -> batch.brokerDown() ? Uni.createFrom().item(batch) : broker.publish(record)
                    .chain(status -> markPublished(record.id, status))
                    .replaceWith(new Batch(batch.tried() + 1, batch.published() + 1, false))
                    .onFailure().recoverWithUni(failure -> isUnsent(failure)
                            // Refused unsent by the breaker: left with the untried rest, released below.
                            ? Uni.createFrom().item(new Batch(batch.tried(), batch.published(), true))
                            : failed(record, failure).replaceWith(new Batch(batch.tried() + 1, batch.published(),
                                    BrokerClient.isRetryable(failure)))));
        }
        return chain.call(batch -> batch.tried() < records.size()
                ? releaseUnsent(records.subList(batch.tried(), records.size()))
                : Uni.createFrom().voidItem());
    }

    /**
     * Sends the backlog when the Broker's circuit breaker says it is due (its probe, then the rest once it closed),
     * instead of at the next scheduled republish. One such drain at a time; a scheduled one running meanwhile splits
     * the work with it (SKIP LOCKED).
     */
    private void drainBacklog() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        republishPending()
                .eventually(() -> draining.set(false))
                .subscribe().with(published -> {
                    if (published > 0) {
                        Log.infof("Republished %d pending event(s) as the Broker recovered", published);
                    }
                }, failure -> Log.warnf("Republish after the Broker outage stopped: %s", failure.getMessage()));
    }

    private static boolean isUnsent(Throwable failure) {
        return failure instanceof BrokerException broker && !broker.attempted();
    }

    /** outbox_publish_deferred_total: events left to the outbox unsent after their commit (the breaker was open). */
    private void countDeferred() {
        metrics.counter("outbox.publish.deferred").increment();
    }

    /**
     * Sets the record aside when the Broker refused it for good or it reached the attempt cap, else releases it. A
     * record the breaker kept from being sent is released without an attempt counted, and without a log line: the
     * breaker logged the outage once.
     */
    private Uni<Void> failed(OutboxEvent record, Throwable failure) {
        if (isUnsent(failure)) {
            countDeferred();
            return releaseUnsent(List.of(record));
        }
        boolean lastAttempt = record.attempts + 1 >= config.maxAttempts();
        return BrokerClient.isRetryable(failure) && !lastAttempt ? release(record.id, failure)
                : setAside(record.id, failure);
    }

    private Uni<List<OutboxEvent>> claimDue() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return pool.preparedQuery(CLAIM_DUE_SQL)
                .execute(Tuple.of(utc(leaseFrom(now)), utc(now), config.batchSize()))
                .map(rows -> {
                    List<OutboxEvent> claimed = new ArrayList<>();
                    rows.forEach(row -> claimed.add(OutboxEvent.claimed(row.getUUID("id"), row.getString("type"),
                            row.getUUID("subscriber_id"), row.getString("payload"),
                            row.getOffsetDateTime("created_at").toInstant(), row.getInteger("attempts"),
                            new TraceContext(row.getString("traceparent"), row.getString("tracestate")))));
                    // RETURNING keeps no order: oldest first, as they were chosen.
                    claimed.sort(Comparator.comparing(record -> record.createdAt));
                    return claimed;
                });
    }

    /**
     * A republished record's mark, at once: the row is ours by its lease. outbox_published_total{path="republish"}
     */
    private Uni<Void> markPublished(UUID id, int brokerStatus) {
        return marks.markNow(id, brokerStatus, Instant.now())
                .invoke(() -> metrics.counter("outbox.published", "path", REPUBLISH).increment())
                .replaceWithVoid();
    }

    private Uni<Void> refreshPending() {
        return pool.query(COUNT_PENDING_SQL).execute()
                .invoke(rows -> {
                    Row row = rows.iterator().next();
                    pending.set(row.getLong(0));
                    OffsetDateTime oldest = row.getOffsetDateTime(1);
                    oldestPending.set(oldest == null ? null : oldest.toInstant());
                })
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private static double ageSeconds(AtomicReference<Instant> oldest) {
        Instant since = oldest.get();
        return since == null ? 0 : Math.max(0, Duration.between(since, Instant.now()).toMillis() / 1000.0);
    }

    private Uni<Void> releaseUnsent(List<OutboxEvent> records) {
        UUID[] ids = records.stream().map(record -> record.id).toArray(UUID[]::new);
        return pool.preparedQuery(RELEASE_UNSENT_SQL).execute(Tuple.tuple().addArrayOfUUID(ids)).replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf("%d unsent event(s) stay leased until their lease ends: %s",
                        ids.length, e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Records the failure and makes the record due at once, for the next republish. */
    private Uni<Void> release(UUID id, Throwable failure) {
        Log.warnf("Event %s not published, left in the outbox: %s", id, failure.getMessage());
        metrics.counter("outbox.publish.failures").increment();
        return record(id, failure, RELEASE_SQL);
    }

    /** outbox_set_aside_total: records the Broker refused for good or that reached the attempt cap. */
    private Uni<Void> setAside(UUID id, Throwable failure) {
        Log.errorf("Event %s set aside in the outbox, it is not sent again unless dead_at is cleared: %s", id,
                failure.getMessage());
        metrics.counter("outbox.set.aside").increment();
        return record(id, failure, SET_ASIDE_SQL);
    }

    private Uni<Void> record(UUID id, Throwable failure, String sql) {
        String error = String.valueOf(failure.getMessage());
        short status = (short) (failure instanceof BrokerException broker ? broker.status() : 0);
        return pool.preparedQuery(sql)
                .execute(Tuple.of(error.substring(0, Math.min(error.length(), LAST_ERROR_MAX_LENGTH)), id, status))
                .replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf("Event %s stays leased until its lease ends: %s", id, e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** The pg client binds timestamps as OffsetDateTime. */
    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Published records carry addresses: they are kept only as long as the retention says. */
    private Uni<Void> prunePublished() {
        return pool.preparedQuery(PRUNE_SQL)
                .execute(Tuple.of(utc(Instant.now().minus(config.retention()))))
                .invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        Log.infof("Deleted %d published outbox record(s) past the retention", rows.rowCount());
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }
}
