package io.signup.sendemail.service;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.signup.contract.AddressKey;
import io.signup.contract.EmailAddress;
import io.signup.http.SuppressionConfig;
import io.signup.sendemail.config.SendEmailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The suppression list, in Postgres (table {@code suppression}): addresses not to mail, and why. It replaces what
 * each instance used to remember on its own, so every replica and every instance after a scale-to-zero holds back
 * the same mails. Addresses are kept under a keyed hash ({@link AddressKey}), so that a row whose address was removed
 * (erasure, retention) still holds the address back without naming it. {@link MailDeliveries#claim} checks it,
 * with the subscriber's state, in the statement that claims each mail. Reasons: an unsubscribe (holds back mails about anything before it), a hard bounce (a permanent refusal,
 * or enough soft bounces within the window), a complaint, an operator's decision, an erasure.
 * <p>
 * A stronger reason is never replaced by an unsubscribe: once bounced, complained or erased, an address stays so.
 */
@ApplicationScoped
public class Suppressions {

    public enum Reason {
        UNSUBSCRIBED, HARD_BOUNCE, COMPLAINT, MANUAL, ERASED;

        /** As metrics and logs name it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An address as the list keys it: its canonical form (lower case) and its keyed hash ({@link AddressKey}). */
    public record Address(String email, String key) {
    }

    private static final int DETAIL_MAX_LENGTH = 300;
    /** An unsubscribe only moves its own time forward; it never weakens another reason. */
    private static final String UNSUBSCRIBED = """
            insert into suppression (address_key, email, reason, suppressed_at) values ($1, $2, 'UNSUBSCRIBED', $3)
            on conflict (address_key) do update set suppressed_at = greatest(suppression.suppressed_at, $3)
                where suppression.reason = 'UNSUBSCRIBED'""";
    /** Any other reason replaces an unsubscribe, and stays once set. */
    private static final String SUPPRESS = """
            insert into suppression (address_key, email, reason, detail, suppressed_at) values ($1, $2, $3, $4, now())
            on conflict (address_key) do update set reason = excluded.reason, detail = excluded.detail,
                suppressed_at = excluded.suppressed_at
                where suppression.reason = 'UNSUBSCRIBED'
            returning 1""";
    /**
     * Records a soft bounce (once per event) and, when it makes N within the window, suppresses the address as a hard
     * bounce, in one statement. The count adds the row this statement inserts, which its own snapshot does not see.
     */
    private static final String SOFT_BOUNCE = """
            with recorded as (
                insert into soft_bounce (address_key, event_key, bounced_at, reply) values ($1, $3, now(), $4)
                on conflict do nothing returning 1),
            bounces as (
                select (select count(*) from soft_bounce
                        where address_key = $1 and bounced_at > now() - make_interval(secs => $5))
                       + (select count(*) from recorded) as n)
            insert into suppression (address_key, email, reason, detail, suppressed_at)
            select $1, $2, 'HARD_BOUNCE', left(n || ' soft bounces within ' || $6 || ', the last: ' || $4, 300), now()
            from bounces where n >= $7
            on conflict (address_key) do update set reason = excluded.reason, detail = excluded.detail,
                suppressed_at = excluded.suppressed_at
                where suppression.reason = 'UNSUBSCRIBED'
            returning 1""";

    private final Pool pool;
    private final MeterRegistry metrics;
    private final Duration wait;
    private final SuppressionConfig.Bounces bounces;
    private final String secret;

    public Suppressions(Pool pool, MeterRegistry metrics, SendEmailConfig config, SuppressionConfig suppression) {
        this.pool = pool;
        this.metrics = metrics;
        this.wait = config.mail().sendTimeout();
        this.bounces = suppression.bounces();
        this.secret = suppression.suppression().key();
        AddressKey.ofCanonical(secret, ""); // a secret too short fails the start, not the first mail
        for (Reason reason : Reason.values()) {
            metrics.counter("suppressions", "reason", reason.label());
        }
    }

    /** {@code address} as the list keys it. */
    public Address address(EmailAddress address) {
        return new Address(AddressKey.canonical(address), AddressKey.of(secret, address));
    }

    /**
     * The address unsubscribed at {@code at}: nothing about an earlier signup or confirmation is mailed to it.
     *
     * @throws StateUnavailableException when the database does not answer
     */
    public void unsubscribed(Address address, Instant at) {
        await(pool.preparedQuery(UNSUBSCRIBED).execute(Tuple.of(address.key(), address.email(),
                at.atOffset(ZoneOffset.UTC))).invoke(() -> count(Reason.UNSUBSCRIBED)).replaceWithVoid());
    }

    /**
     * The address is not mailed again, for {@code reason}. Best effort after the fact of a bounce: a failure is
     * logged, and the next refusal records it again.
     */
    public Uni<Void> suppress(Address address, Reason reason, String detail) {
        return pool.preparedQuery(SUPPRESS).execute(Tuple.of(address.key(), address.email(), reason.name(),
                        shorten(detail)))
                .invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        Log.warnf("Address suppressed (%s): %s", reason.label(), shorten(detail));
                        count(reason);
                    }
                })
                .replaceWithVoid()
                .onFailure().invoke(e -> Log.errorf("Suppression (%s) not recorded: %s", reason.label(),
                        e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** A soft bounce of {@code event}'s mail: enough of them within the window suppress the address (hard bounce). */
    public Uni<Void> softBounce(Address address, EventKey event, String reply) {
        return pool.preparedQuery(SOFT_BOUNCE).execute(Tuple.tuple().addString(address.key())
                        .addString(address.email()).addString(event.toString()).addString(shorten(reply))
                        .addDouble(bounces.softWindow().toSeconds() * 1.0).addString(bounces.softWindow().toString())
                        .addInteger(bounces.softLimit()))
                .invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        Log.warnf("Address suppressed (hard_bounce): %d soft bounces within %s", bounces.softLimit(),
                                bounces.softWindow());
                        count(Reason.HARD_BOUNCE);
                    }
                })
                .replaceWithVoid()
                .onFailure().invoke(e -> Log.errorf("Soft bounce not recorded: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** suppressions_total{reason}: addresses newly suppressed (an unsubscribe each time one arrives). */
    private void count(Reason reason) {
        metrics.counter("suppressions", "reason", reason.label()).increment();
    }

    private void await(Uni<Void> work) {
        try {
            work.await().atMost(wait);
        } catch (RuntimeException e) {
            throw new StateUnavailableException(e);
        }
    }

    private static String shorten(String text) {
        return text == null || text.length() <= DETAIL_MAX_LENGTH ? text : text.substring(0, DETAIL_MAX_LENGTH);
    }
}
