-- Double opt-in. A subscriber is pending until the address owner confirms, confirmed until they unsubscribe, and
-- pending again when they sign up after that. Link tokens are kept only as SHA-256 hashes.
alter table subscriber
    add column status                 varchar(16) not null default 'PENDING'
        constraint subscriber_status check (status in ('PENDING', 'CONFIRMED', 'UNSUBSCRIBED')),
    add column confirm_token_hash     char(64),
    add column confirm_expires_at     timestamptz,
    add column confirmation_sent_at   timestamptz,  -- last confirmation mail requested: the resend window starts here
    add column confirmed_at           timestamptz,
    add column unsubscribe_token_hash char(64),
    add column unsubscribed_at        timestamptz;
create unique index subscriber_confirm_token on subscriber (confirm_token_hash);
create unique index subscriber_unsubscribe_token on subscriber (unsubscribe_token_hash);

-- Rows from before double opt-in never confirmed: they stay pending without a token (signing up again mails a
-- confirmation), and their welcome events that were never published are dropped rather than mailed without consent.
delete from outbox_event where published_at is null and type = 'io.signup.subscription.created.v1';

-- Proof of consent: who asked for what, when, from where, having seen which text.
create table consent_record (
    id              uuid         primary key,
    subscriber_id   uuid         not null references subscriber (id),
    action          varchar(16)  not null constraint consent_action check (action in ('SIGNUP', 'CONFIRM', 'UNSUBSCRIBE')),
    recorded_at     timestamptz  not null,
    consent_version varchar(64),               -- the version of the page and consent text the person saw
    client_address  varchar(45),               -- as the platform reports it (forwarded by trusted proxies)
    user_agent      varchar(256)
);
create index consent_record_subscriber on consent_record (subscriber_id, recorded_at);

-- Abuse limits, shared by every replica and kept across scale-to-zero: hits per key (a client address or a mailbox)
-- in fixed windows. Old windows are pruned by the republish ping.
create table rate_limit (
    key          varchar(300) not null,
    window_start timestamptz  not null,
    hits         integer      not null,
    primary key (key, window_start)
);
