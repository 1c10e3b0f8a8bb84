-- the traceparent of the record an item came from: each delivery attempt's span links to its items' traces
alter table pending_item add column trace_parent text;
