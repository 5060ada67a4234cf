-- A claim left in SENDING by an instance that died may mean the SMTP server accepted the mail (it died between the
-- server's 250 and the SENT mark). takeovers counts the deliveries that took such a claim over after its lease, and
-- UNKNOWN records, under the at-most-once setting (SIGNUP_MAIL_GUARANTEE=at-most-once), that the mail was not sent
-- again because it may have arrived.
alter table mail_delivery add column takeovers integer not null default 0;
alter table mail_delivery drop constraint mail_delivery_state;
alter table mail_delivery add constraint mail_delivery_state check (state in ('SENDING', 'SENT', 'UNKNOWN'));
