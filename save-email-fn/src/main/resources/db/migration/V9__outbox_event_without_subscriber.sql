-- An erasure announces itself (io.signup.subscription.erased.v1) through the outbox, in the statement that deletes
-- the subscriber: that record can name no subscriber. Every other record still names one (the code sets it); the
-- previous release never writes a record without one, so it runs unchanged beside this schema.
alter table outbox_event alter column subscriber_id drop not null;
