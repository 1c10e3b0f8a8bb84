-- Ops dashboard: counts per UTC day of the events the ledger does not keep - invoices created,
-- expired and canceled (invoice-events) and callback batch deliveries (callback-events). Each event
-- is counted once: its processed_event row (consumer report-ops) is written in the same transaction.
create table ops_daily_count (
    day    date        not null,
    metric varchar(40) not null,
    count  bigint      not null check (count >= 0),
    primary key (day, metric)
);
