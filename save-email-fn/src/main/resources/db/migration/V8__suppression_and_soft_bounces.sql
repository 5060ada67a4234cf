-- Addresses that must not be mailed, checked by send-email-fn before every mail, shared by every replica and kept
-- across scale-to-zero. One row per address, keyed by the SHA-256 of its canonical form (lower case), so that an
-- erased address can stay suppressed by its key alone (email null). UNSUBSCRIBED holds back mails about anything
-- older than the unsubscribe (a new double opt-in after it is mailed); every other reason holds back every mail.
create table suppression (
    address_key   char(64)     primary key,
    email         varchar(254),
    reason        varchar(16)  not null
        constraint suppression_reason check (reason in ('UNSUBSCRIBED', 'HARD_BOUNCE', 'COMPLAINT', 'MANUAL', 'ERASED')),
    detail        varchar(300),              -- why: the server's reply, the number of soft bounces, who
    suppressed_at timestamptz  not null
);

-- Soft bounces (a full or unavailable mailbox, for now), one per address and event: enough of them within the
-- configured window suppress the address.
create table soft_bounce (
    address_key char(64)     not null,
    event_key   varchar(600) not null,
    bounced_at  timestamptz  not null,
    reply       varchar(300),
    primary key (address_key, event_key)
);
create index soft_bounce_recent on soft_bounce (address_key, bounced_at);

-- Why a mail was held back (a suppression reason, or subscriber_<state>), for the event's timeline.
alter table mail_delivery add column suppressed_because varchar(40);
