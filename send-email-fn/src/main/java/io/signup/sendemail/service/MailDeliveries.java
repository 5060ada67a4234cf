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
 * one mail per event ({@code source} + {@code id}). An instance claims an event right before it hands the mail to the
 * SMTP server (a lease that outlives any send), marks it sent once the server accepted the mail, and releases it when
 * the send failed. A claim held by another instance means the event is being sent right now.
 * <p>
 * A claim that outlived its lease was left by an instance that died mid-send, and its mail may have been accepted:
 * SMTP has no idempotency key, and a death between the server's {@code 250} and the {@code SENT} mark leaves exactly
 * this. The claim is taken over ({@code takeovers} counts it) and the setting decides: at least once sends again, at
 * most once records {@code UNKNOWN} and sends nothing.
 */
@ApplicationScoped
public class MailDeliveries {

    /** What a delivery may do with its event. */
    public enum Claim {
        /** This delivery sends the mail. */
        OWNED,
        /** This delivery sends the mail again: an instance died while sending it, and it may have arrived. */
        RESEND,
        /** An instance died while sending it; under at most once nothing is sent, and it is now recorded unknown. */
        UNKNOWN_RECORDED,
        /** The mail was sent already, or its outcome was recorded unknown or suppressed: nothing to do. */
        DONE,
        /** Another delivery is sending it now: retry later. */
        IN_FLIGHT
    }

    /** Claims a new event, or takes over a claim whose lease ended (counted in takeovers). */
    private static final String CLAIM = """
            insert into mail_delivery (event_key, state, lease_until, message_id, updated_at)
            values ($1, 'SENDING', now() + make_interval(secs => $2), $3, now())
            on conflict (event_key) do update
                set state = 'SENDING', lease_until = excluded.lease_until, updated_at = now(),
                    takeovers = mail_delivery.takeovers + 1
                where mail_delivery.state = 'SENDING' and mail_delivery.lease_until < now()
            returning takeovers""";
    private static final String STATE = "select state from mail_delivery where event_key = $1";
    private static final String UNKNOWN = """
            update mail_delivery set state = 'UNKNOWN', updated_at = now() where event_key = $1 and state = 'SENDING'""";
    private static final String SENT = "update mail_delivery set state = 'SENT', updated_at = now() where event_key = $1";
    private static final String RELEASE = "delete from mail_delivery where event_key = $1 and state = 'SENDING'";
    /** Settles an event that must not be mailed, unless a delivery of it already claimed or sent it. */
    private static final String SUPPRESSED = """
            insert into mail_delivery (event_key, state, lease_until, message_id, updated_at)
            values ($1, 'SUPPRESSED', now(), $2, now())
            on conflict (event_key) do nothing""";

    private static final Duration MARK_BACKOFF = Duration.ofMillis(200);
    private static final int MARK_RETRIES = 5;

    private final Pool pool;
    private final Duration lease;
    private final Duration wait;
    private final SendEmailConfig.Mail.Guarantee guarantee;

    public MailDeliveries(Pool pool, SendEmailConfig config) {
        this.pool = pool;
        this.lease = config.mail().lease();
        this.wait = config.mail().sendTimeout();
        this.guarantee = config.mail().guarantee();
    }

    /**
     * Claims {@code event} for sending. Blocks the calling worker thread at most the send timeout.
     *
     * @throws StateUnavailableException when the database does not answer
     */
    public Claim claim(EventKey event, String messageId) {
        return await(pool.preparedQuery(CLAIM)
                .execute(Tuple.of(event.toString(), (double) lease.toMillis() / 1000, messageId))
                .chain(claimed -> {
                    if (claimed.rowCount() == 0) {
                        return pool.preparedQuery(STATE).execute(Tuple.of(event.toString()))
                                .map(MailDeliveries::claimOf);
                    }
                    if (claimed.iterator().next().getInteger("takeovers") == 0) {
                        return Uni.createFrom().item(Claim.OWNED);
                    }
                    return guarantee == SendEmailConfig.Mail.Guarantee.AT_LEAST_ONCE ? Uni.createFrom().item(Claim.RESEND)
                            : pool.preparedQuery(UNKNOWN).execute(Tuple.of(event.toString()))
                                    .replaceWith(Claim.UNKNOWN_RECORDED);
                }));
    }

    /** An existing row nobody could claim: SENT, UNKNOWN or SUPPRESSED is settled; SENDING is held by a live lease. */
    private static Claim claimOf(RowSet<Row> rows) {
        return rows.iterator().hasNext() && !"SENDING".equals(rows.iterator().next().getString("state"))
                ? Claim.DONE : Claim.IN_FLIGHT;
    }

    /**
     * The SMTP server accepted the mail. Idempotent. Retried for about 6 s, through a database restart: the answer is
     * a 2xx, so no redelivery would settle a claim left {@code SENDING}. A failure after that is logged (the lease
     * then guards the event until it ends).
     */
    public Uni<Void> sent(EventKey event) {
        return pool.preparedQuery(SENT).execute(Tuple.of(event.toString())).replaceWithVoid()
                .onFailure().retry().withBackOff(MARK_BACKOFF).atMost(MARK_RETRIES)
                .onFailure().invoke(e -> Log.errorf("Event %s was mailed but could not be marked so: %s", event, e))
                .onFailure().recoverWithNull();
    }

    /**
     * The event is not mailed (the address unsubscribed since): settled, so a redelivery sends nothing, and its
     * timeline says why. Blocks the calling worker thread at most the send timeout.
     *
     * @throws StateUnavailableException when the database does not answer
     */
    public void suppressed(EventKey event, String messageId) {
        await(pool.preparedQuery(SUPPRESSED).execute(Tuple.of(event.toString(), messageId)).replaceWithVoid());
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
