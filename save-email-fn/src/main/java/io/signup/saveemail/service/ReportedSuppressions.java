package io.signup.saveemail.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.signup.contract.AddressKey;
import io.signup.contract.SignupEvent;
import io.signup.contract.SubscriptionSuppressed;
import io.signup.http.SuppressionConfig;
import io.signup.saveemail.outbox.OutboxEvent;
import io.signup.saveemail.outbox.OutboxInsert;
import io.signup.saveemail.outbox.OutboxRelay;
import io.signup.saveemail.report.Report;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Puts on the suppression list the addresses that bounce and complaint reports name, and announces each newly
 * suppressed one as {@value SubscriptionSuppressed#TYPE}: suppression and outbox record are one statement in one
 * transaction, so the event is never lost, and the event is published after the commit like every other.
 * <p>
 * Only addresses we have a subscriber for are touched: a report about any other address changes nothing. A hard
 * bounce or a complaint suppresses at once; a soft bounce is counted in {@code soft_bounce} (once per report, however
 * often the report is delivered) as send-email-fn counts those it sees at SMTP time, and enough of them within the
 * window make a hard bounce. A suppression replaces only an unsubscribe, never another reason, so a report about an
 * address already bounced or erased emits nothing.
 */
@ApplicationScoped
public class ReportedSuppressions {

    /**
     * $soft: whether the report is a soft bounce (then it is recorded and counted, and suppresses at the limit). The
     * casts name each parameter's type, since Postgres cannot infer it inside a SELECT.
     */
    private static final String SQL = """
            with subject as (
                select id from subscriber where lower(email) = cast(:email as varchar)),
            recorded as (
                insert into soft_bounce (address_key, event_key, bounced_at, reply)
                select cast(:key as varchar), cast(:reportKey as varchar), cast(:now as timestamptz),
                       cast(:detail as varchar)
                from subject where cast(:soft as boolean)
                on conflict do nothing returning 1),
            bounces as (
                select (select count(*) from soft_bounce where address_key = cast(:key as varchar)
                            and bounced_at > cast(:now as timestamptz) - make_interval(secs => cast(:window as float8)))
                       + (select count(*) from recorded) as n),
            suppressed as (
                insert into suppression (address_key, email, reason, detail, suppressed_at)
                select cast(:key as varchar), cast(:email as varchar), cast(:reason as varchar),
                       left(case when cast(:soft as boolean)
                                 then n || ' soft bounces within ' || cast(:windowText as varchar) || ', the last: '
                                      || cast(:detail as varchar)
                                 else cast(:detail as varchar) end, 300),
                       cast(:now as timestamptz)
                from subject, bounces
                where not cast(:soft as boolean) or n >= cast(:limit as integer)
                on conflict (address_key) do update set reason = excluded.reason, detail = excluded.detail,
                    suppressed_at = excluded.suppressed_at
                    where suppression.reason = 'UNSUBSCRIBED'
                returning 1)
            """ + OutboxInsert.sql("(select id from subject)", "suppressed");
    private static final int DETAIL_MAX_LENGTH = 300;
    private static final int REPORT_KEY_MAX_LENGTH = 600;

    private final OutboxRelay relay;
    private final SuppressionConfig.Bounces bounces;
    private final MeterRegistry metrics;
    private final String secret;

    public ReportedSuppressions(OutboxRelay relay, SuppressionConfig config, MeterRegistry metrics) {
        this.relay = relay;
        this.bounces = config.bounces();
        this.metrics = metrics;
        this.secret = config.suppression().key();
        AddressKey.ofCanonical(secret, ""); // a secret too short fails the start, not the first report
    }

    /**
     * Applies the reports of one delivery in one transaction, then publishes the events of the addresses it
     * suppressed (a failed publish leaves them to the outbox).
     *
     * @return how many addresses the reports newly suppressed
     */
    public Uni<Integer> apply(List<Report> reports) {
        if (reports.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<OutboxEvent> events = new ArrayList<>();
        return Panache.withTransaction(() -> Multi.createFrom().iterable(reports)
                        .onItem().transformToUniAndConcatenate(report -> apply(report, now).invoke(event -> {
                            if (event != null) {
                                events.add(event);
                            }
                        }))
                        .collect().last())
                .chain(() -> Multi.createFrom().iterable(events).onItem().transformToUniAndConcatenate(relay::publish)
                        .collect().last())
                .map(ignored -> events.size());
    }

    /** The record announcing the suppression when the report made one; null when it changed nothing. */
    private Uni<OutboxEvent> apply(Report report, Instant now) {
        String email = AddressKey.canonical(report.address());
        boolean soft = report.kind() == Report.Kind.SOFT_BOUNCE;
        SubscriptionSuppressed.Reason reason = report.kind() == Report.Kind.COMPLAINT
                ? SubscriptionSuppressed.Reason.COMPLAINT : SubscriptionSuppressed.Reason.HARD_BOUNCE;
        OutboxEvent event = relay.newRecord(SignupEvent.SUPPRESSED, new SubscriptionSuppressed(
                report.address().toString(), reason, report.reporter(), now), now);
        return Panache.getSession().chain(session -> OutboxInsert.bind(session.createNativeQuery(SQL), event)
                        .setParameter("email", email)
                        .setParameter("key", AddressKey.of(secret, report.address()))
                        .setParameter("reportKey", shorten("report " + report.reporter() + " " + report.reportId(),
                                REPORT_KEY_MAX_LENGTH))
                        .setParameter("now", now)
                        .setParameter("detail", shorten(report.detail(), DETAIL_MAX_LENGTH))
                        .setParameter("soft", soft)
                        .setParameter("window", bounces.softWindow().toSeconds() * 1.0)
                        .setParameter("windowText", bounces.softWindow().toString())
                        .setParameter("limit", bounces.softLimit())
                        .setParameter("reason", reason.name())
                        .executeUpdate())
                .map(rows -> {
                    String outcome = rows == 1 ? "suppressed" : "unchanged";
                    metrics.counter("reports", "reporter", report.reporter().name().toLowerCase(Locale.ROOT),
                            "kind", report.kind().name().toLowerCase(Locale.ROOT), "outcome", outcome).increment();
                    if (rows == 1) {
                        Log.warnf("Address suppressed (%s) by a %s report", reason, report.reporter());
                    }
                    return rows == 1 ? event : null;
                });
    }

    private static String shorten(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
