-- The W3C traceparent of the span that made the change (common's Outbox); the relay continues that trace on Kafka.
alter table outbox_event add column trace_parent text;
