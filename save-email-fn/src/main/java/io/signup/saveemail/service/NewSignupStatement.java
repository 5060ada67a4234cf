package io.signup.saveemail.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.signup.saveemail.ConsentRecord;
import io.signup.saveemail.Subscriber;
import io.signup.saveemail.outbox.OutboxEvent;
import io.signup.saveemail.outbox.OutboxInsert;
import io.signup.saveemail.outbox.PublishMarks;
import io.smallrye.mutiny.Uni;

/**
 * A new address's whole signup in one round trip, through the Hibernate Reactive session of the caller's transaction:
 * one data-modifying CTE counts the signup in its abuse-limit windows, inserts the subscriber unless the address is
 * there (in any case of its letters) or a count is over its limit, and with it the consent record and the outbox
 * record. Postgres runs the parts in one snapshot and one transaction, so a consent record or an event exists exactly
 * when the subscriber was inserted, and two signups for one address cannot both insert (the unique index decides).
 * The same statement writes the publish marks waiting for one ({@link PublishMarks}).
 * <p>
 * The windows are counted whatever follows, as the limiter's own statement does: a refused attempt counts too.
 * It runs as a mutation: its row count says whether the signup was stored. (As a select through the session, each
 * execution would add an entry to Hibernate's query interpretation cache and never hit it: a cost that grows.) The
 * casts name each parameter's type, since Postgres cannot infer it inside a SELECT.
 */
final class NewSignupStatement {

    private static final String SQL = """
            with hits as (
                insert into rate_limit (key, window_start, hits)
                select key, window_start, 1
                from (values (cast(:clientKey as varchar), cast(:clientStart as timestamptz)),
                             (cast(:mailboxKey as varchar), cast(:mailboxStart as timestamptz))) w (key, window_start)
                where key <> ''
                on conflict (key, window_start) do update set hits = rate_limit.hits + 1
                returning key, hits),
            fresh as (
                insert into subscriber (id, email, name, created_at, status, confirm_token_hash, confirm_expires_at,
                                        confirmation_sent_at)
                select cast(:id as uuid), cast(:email as varchar), cast(:name as varchar), cast(:now as timestamptz),
                       'PENDING', cast(:tokenHash as varchar), cast(:expiresAt as timestamptz), cast(:now as timestamptz)
                where not exists (select 1 from hits
                                  where hits > case key when cast(:clientKey as varchar) then cast(:clientMax as integer)
                                                        else cast(:mailboxMax as integer) end)
                on conflict ((lower(email))) do nothing
                returning id),
            consent as (
                insert into consent_record (id, subscriber_id, action, recorded_at, consent_version, client_address,
                                            user_agent)
                select cast(:consentId as uuid), id, 'SIGNUP', cast(:now as timestamptz),
                       cast(:consentVersion as varchar), cast(:clientAddress as varchar), cast(:userAgent as varchar)
                from fresh),
            marked as (
            """ + PublishMarks.statement(":markIds", ":markStatuses", ":markTimes") + """
            )
            """ + OutboxInsert.sql("id", "fresh");

    private NewSignupStatement() {
    }

    /**
     * Runs the statement in the current session; {@code subscriber}, {@code consent} and {@code event} are the rows
     * to insert (not persisted through the session: the statement writes them).
     *
     * @return whether the signup was stored: false when the address was there or a window is over its limit
     */
    static Uni<Boolean> run(RateLimiter.Hits hits, Subscriber subscriber, ConsentRecord consent, OutboxEvent event,
            PublishMarks.Taken marks) {
        RateLimiter.Window client = hits.client();
        RateLimiter.Window mailbox = hits.mailbox();
        return Panache.getSession().chain(session -> OutboxInsert.bind(session.createNativeQuery(SQL), event)
                        // No client address: a key the statement skips.
                        .setParameter("clientKey", client == null ? "" : client.key())
                        .setParameter("clientStart", client == null ? mailbox.start() : client.start())
                        .setParameter("clientMax", client == null ? Integer.MAX_VALUE : client.max())
                        .setParameter("mailboxKey", mailbox.key())
                        .setParameter("mailboxStart", mailbox.start())
                        .setParameter("mailboxMax", mailbox.max())
                        .setParameter("id", subscriber.id)
                        .setParameter("email", subscriber.email)
                        .setParameter("name", subscriber.name)
                        .setParameter("now", subscriber.createdAt)
                        .setParameter("tokenHash", subscriber.confirmTokenHash)
                        .setParameter("expiresAt", subscriber.confirmExpiresAt)
                        .setParameter("consentId", consent.id)
                        .setParameter("consentVersion", consent.consentVersion)
                        .setParameter("clientAddress", consent.clientAddress)
                        .setParameter("userAgent", consent.userAgent)
                        .setParameter("markIds", marks.ids())
                        .setParameter("markStatuses", marks.statuses())
                        .setParameter("markTimes", marks.times())
                        .executeUpdate())
                .map(stored -> stored == 1);
    }
}
