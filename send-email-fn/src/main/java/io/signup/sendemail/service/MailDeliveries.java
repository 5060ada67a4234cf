package io.signup.sendemail.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.signup.sendemail.config.SendEmailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Which events have been mailed, in Postgres, so that every replica and every instance after a scale-to-zero agrees:
 * one mail per event ({@code source} + {@code id}). An instance claims an event before it sends (a lease that
 * outlives any send), marks it sent once the SMTP server accepted the mail, and releases it when the send failed. A
 * claim held by another instance means the event is being sent right now.
 */
@ApplicationScoped
public class MailDeliveries {

    /** What a delivery may do with its event. */
    public enum Claim {
        /** This delivery sends the mail. */
        OWNED,
        /** The mail was sent already: nothing to do. */
        SENT,
        /** Another delivery is sending it now: retry later. */
        IN_FLIGHT
    }

    private static final String CLAIM = """
            insert into mail_delivery (event_key, state, lease_until, message_id, updated_at)
            values ($1, 'SENDING', now() + make_interval(secs => $2), $3, now())
            on conflict (event_key) do update
                set state = 'SENDING', lease_until = excluded.lease_until, updated_at = now()
                where mail_delivery.state = 'SENDING' and mail_delivery.lease_until < now()
            returning state""";
    private static final String STATE = "select state from mail_delivery where event_key = $1";
    private static final String SENT = "update mail_delivery set state = 'SENT', updated_at = now() where event_key = $1";
    private static final String RELEASE = "delete from mail_delivery where event_key = $1 and state = 'SENDING'";

    private final Pool pool;
    private final Duration lease;
    private final Duration wait;

    public MailDeliveries(Pool pool, SendEmailConfig config) {
        this.pool = pool;
        this.lease = config.mail().lease();
        this.wait = config.mail().sendTimeout();
    }

    /**
     * Claims {@code event} for sending. Blocks the calling worker thread at most the send timeout.
     *
     * @throws StateUnavailableException when the database does not answer
     */
    public Claim claim(EventKey event, String messageId) {
        return await(pool.preparedQuery(CLAIM)
                .execute(Tuple.of(event.toString(), (double) lease.toMillis() / 1000, messageId))
                .chain(claimed -> claimed.rowCount() == 1 ? Uni.createFrom().item(Claim.OWNED)
                        : pool.preparedQuery(STATE).execute(Tuple.of(event.toString())).map(MailDeliveries::claimOf)));
    }

    private static Claim claimOf(RowSet<Row> rows) {
        return rows.iterator().hasNext() && "SENT".equals(rows.iterator().next().getString("state"))
                ? Claim.SENT : Claim.IN_FLIGHT;
    }

    /** The SMTP server accepted the mail. Idempotent; a failure is logged (the lease then guards the event). */
    public Uni<Void> sent(EventKey event) {
        return pool.preparedQuery(SENT).execute(Tuple.of(event.toString())).replaceWithVoid()
                .onFailure().invoke(e -> Log.errorf("Event %s was mailed but could not be marked so: %s", event, e))
                .onFailure().recoverWithNull();
    }

    /** The send failed: a redelivery may try again at once. */
    public Uni<Void> release(EventKey event) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(event.toString())).replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf("Event %s stays claimed until its lease ends: %s", event, e))
                .onFailure().recoverWithNull();
    }

    private <T> T await(Uni<T> work) {
        try {
            return work.await().atMost(wait);
        } catch (RuntimeException e) {
            throw new StateUnavailableException(e);
        }
    }
}
