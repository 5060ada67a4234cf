-- Subscribers: one row per address. The local part keeps its case (we deliver to it as typed), but two addresses
-- differing only in case are the same subscriber.
create table subscriber (
    id         uuid         primary key,
    email      varchar(254) not null,
    name       varchar(100),
    created_at timestamptz  not null
);
create unique index subscriber_email_key on subscriber (lower(email));

-- Transactional outbox: written with the subscriber, published after commit, republished while pending.
create table outbox_event (
    id            uuid         primary key,  -- the CloudEvent id
    type          varchar(200) not null,
    subscriber_id uuid         not null references subscriber (id),
    payload       text         not null,
    created_at    timestamptz  not null,
    available_at  timestamptz  not null,     -- lease: nobody else publishes the record before this time
    attempts      integer      not null default 0,
    last_error    varchar(500),
    published_at  timestamptz
);
-- Only pending records are ever scanned; published ones stay out of the index.
create index outbox_event_due on outbox_event (available_at) where published_at is null;
