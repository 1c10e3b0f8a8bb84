-- Dedup of consumed events: one row per consumer and event id, written in the effect's transaction.
create table processed_event (
    consumer     varchar(100) not null,
    event_id     uuid         not null,
    event_type   varchar(100) not null,
    processed_at timestamptz  not null,
    primary key (consumer, event_id)
);
