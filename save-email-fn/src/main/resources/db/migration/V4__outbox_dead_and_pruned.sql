-- An outbox record the Broker refuses for good (or past the attempt cap) is set aside instead of blocking younger
-- records; it stays for an operator (last_error says why) and can be sent again by clearing dead_at.
alter table outbox_event add column dead_at timestamptz;
drop index outbox_event_due;
create index outbox_event_due on outbox_event (available_at) where published_at is null and dead_at is null;
-- Published records (they hold addresses) are deleted after the retention; this index finds them.
create index outbox_event_published on outbox_event (published_at) where published_at is not null;
