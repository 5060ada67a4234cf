package io.signup.sendemail.service;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.signup.sendemail.config.SendEmailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
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
        IN_FLIGHT,
        /** Not to be mailed as things are now ({@link Decision#reason()}); settled, so no delivery mails it. */
        SUPPRESSED
    }

    /** What a delivery may do; for {@link Claim#SUPPRESSED}, why (a suppression reason, the subscriber's state). */
    public record Decision(Claim claim, String reason) {

        static Decision of(Claim claim) {
            return new Decision(claim, null);
        }
    }

    /**
     * What the mail is for: the address, the subscriber state the mail makes sense in, and when its event happened
     * (an unsubscribe after that holds it back).
     */
    public record Gate(Suppressions.Address address, String subscriberStatus, Instant since) {
    }

    /**
     * Claims a new event, or takes over a claim whose lease ended (counted in takeovers), unless the mail must not go
     * out as things are now: the address is suppressed (an unsubscribe counts only when later than the event), or
     * its subscriber is no longer in the state the mail is for. One statement, the only one of a mail that goes out.
     */
    private static final String CLAIM = """
            insert into mail_delivery (event_key, state, lease_until, message_id, updated_at)
            select $1, 'SENDING', now() + make_interval(secs => $2), $3, now()
            where not exists (select 1 from suppression s where s.address_key = $4 and (s.reason <> 'UNSUBSCRIBED'
                              or s.suppressed_at > coalesce($5::timestamptz, '-infinity'::timestamptz)))
              and not exists (select 1 from subscriber b where lower(b.email) = $6 and b.status <> $7)
            on conflict (event_key) do update
                set state = 'SENDING', lease_until = excluded.lease_until, updated_at = now(),
                    takeovers = mail_delivery.takeovers + 1
                where mail_delivery.state = 'SENDING' and mail_delivery.lease_until < now()
            returning takeovers""";
    /** Why nothing was claimed: the event's row, and what holds the mail back now. */
    private static final String STATE = """
            select d.state, d.lease_until < now() as abandoned,
                   (select s.reason from suppression s where s.address_key = $2 and (s.reason <> 'UNSUBSCRIBED'
                    or s.suppressed_at > coalesce($3::timestamptz, '-infinity'::timestamptz))) as reason,
                   (select b.status from subscriber b where lower(b.email) = $4 and b.status <> $5) as status
            from (select 1) one left join mail_delivery d on d.event_key = $1""";
    private static final String UNKNOWN = """
            update mail_delivery set state = 'UNKNOWN', updated_at = now() where event_key = $1 and state = 'SENDING'""";
    private static final String SENT = "update mail_delivery set state = 'SENT', updated_at = now() where event_key = $1";
    private static final String RELEASE = "delete from mail_delivery where event_key = $1 and state = 'SENDING'";
    /** Settles an event that must not be mailed, unless a live delivery of it holds it or it was sent. */
    private static final String SUPPRESSED = """
            insert into mail_delivery (event_key, state, lease_until, message_id, updated_at, suppressed_because)
            values ($1, 'SUPPRESSED', now(), $2, now(), $3)
            on conflict (event_key) do update set state = 'SUPPRESSED', updated_at = now(),
                suppressed_because = excluded.suppressed_because
                where mail_delivery.state = 'SENDING' and mail_delivery.lease_until < now()""";

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
     * Claims {@code event} for sending, if {@code gate} lets it out; fails with {@link StateUnavailableException} when
     * the database does not answer within the send timeout.
     */
    public Uni<Decision> claim(EventKey event, String messageId, Gate gate) {
        OffsetDateTime since = gate.since() == null ? null : gate.since().atOffset(ZoneOffset.UTC);
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.tuple().addString(event.toString()).addDouble((double) lease.toMillis() / 1000)
                        .addString(messageId).addString(gate.address().key()).addOffsetDateTime(since)
                        .addString(gate.address().email()).addString(gate.subscriberStatus()))
                .chain(claimed -> {
                    if (claimed.rowCount() == 0) {
                        return pool.preparedQuery(STATE).execute(Tuple.tuple().addString(event.toString())
                                        .addString(gate.address().key()).addOffsetDateTime(since)
                                        .addString(gate.address().email()).addString(gate.subscriberStatus()))
                                .chain(rows -> unclaimed(event, messageId, rows.iterator().next()));
                    }
                    if (claimed.iterator().next().getInteger("takeovers") == 0) {
                        return Uni.createFrom().item(Decision.of(Claim.OWNED));
                    }
                    return guarantee == SendEmailConfig.Mail.Guarantee.AT_LEAST_ONCE
                            ? Uni.createFrom().item(Decision.of(Claim.RESEND))
                            : pool.preparedQuery(UNKNOWN).execute(Tuple.of(event.toString()))
                                    .replaceWith(Decision.of(Claim.UNKNOWN_RECORDED));
                })
                .ifNoItem().after(wait).fail()
                .onFailure().transform(StateUnavailableException::new);
    }

    /**
     * Nothing was claimed. SENT, UNKNOWN or SUPPRESSED is settled; a live SENDING lease is another delivery at work;
     * otherwise the gate held the mail back, and the event is settled as SUPPRESSED with why.
     */
    private Uni<Decision> unclaimed(EventKey event, String messageId, Row row) {
        String state = row.getString("state");
        if (state != null && !state.equals("SENDING")) {
            return Uni.createFrom().item(Decision.of(Claim.DONE));
        }
        String reason = row.getString("reason") != null ? row.getString("reason").toLowerCase(Locale.ROOT)
                : row.getString("status") != null ? "subscriber_" + row.getString("status").toLowerCase(Locale.ROOT)
                : null;
        if (reason == null || (state != null && !Boolean.TRUE.equals(row.getBoolean("abandoned")))) {
            return Uni.createFrom().item(Decision.of(Claim.IN_FLIGHT));
        }
        return pool.preparedQuery(SUPPRESSED).execute(Tuple.of(event.toString(), messageId, reason))
                .replaceWith(new Decision(Claim.SUPPRESSED, reason));
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

    /** The send failed: a redelivery may try again at once. */
    public Uni<Void> release(EventKey event) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(event.toString())).replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf("Event %s stays claimed until its lease ends: %s", event, e))
                .onFailure().recoverWithNull();
    }
}
