-- send-email-fn's memory, shared by its replicas and kept across scale-to-zero. One row per event (source + id):
-- SENDING while one instance holds the send (until lease_until), SENT once the SMTP server accepted the mail.
create table mail_delivery (
    event_key   varchar(600) primary key,  -- source, a space, id
    state       varchar(8)   not null constraint mail_delivery_state check (state in ('SENDING', 'SENT')),
    lease_until timestamptz  not null,     -- a SENDING row older than this was abandoned: another may send
    message_id  varchar(200) not null,
    updated_at  timestamptz  not null
);
create index mail_delivery_updated on mail_delivery (updated_at);

-- Events the Broker could not deliver after all retries (its deadLetterSink), kept until replayed or deleted.
create table dead_letter (
    source           varchar(500) not null,
    id               varchar(500) not null,
    type             varchar(200) not null,
    event            jsonb        not null,  -- the whole CloudEvent in JSON format, without the knativeerror* extensions
    error_dest       varchar(1000),          -- knativeerrordest: the subscriber that failed
    error_code       varchar(10),            -- knativeerrorcode: its last HTTP status
    error_data       text,                   -- knativeerrordata: its last answer (decoded when it was base64)
    first_seen       timestamptz  not null,
    last_seen        timestamptz  not null,
    times_seen       integer      not null,
    replayed_at      timestamptz,
    primary key (source, id)
);
