-- The W3C trace context of the signup that wrote the record, so its event continues that trace even when it is
-- republished later by another request. Empty when tracing is off.
alter table outbox_event
    add column traceparent varchar(55),
    add column tracestate  varchar(512);
