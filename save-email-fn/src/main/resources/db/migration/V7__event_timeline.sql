-- What an event's timeline (send-email-fn's /events) shows beyond the state: the Broker's HTTP status for the last
-- publish attempt (0: no answer) and when that attempt ended, set by the same statements that mark or release a record.
alter table outbox_event
    add column broker_status   smallint,
    add column last_attempt_at timestamptz;
-- A mail not sent because the address had unsubscribed since is settled too: SUPPRESSED, so a redelivery changes
-- nothing and the timeline says why no mail went out.
alter table mail_delivery drop constraint mail_delivery_state;
alter table mail_delivery alter column state type varchar(10);
alter table mail_delivery add constraint mail_delivery_state
    check (state in ('SENDING', 'SENT', 'UNKNOWN', 'SUPPRESSED'));
