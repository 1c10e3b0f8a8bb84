-- The W3C traceparent of the span that made the change (common's Outbox); the relay continues that trace on Kafka.
alter table outbox_event add column trace_parent text;
-- the payment's traceparent on the night run's work list: a daily transfer links to the payments it settles
alter table pending_entry add column trace_parent text;
