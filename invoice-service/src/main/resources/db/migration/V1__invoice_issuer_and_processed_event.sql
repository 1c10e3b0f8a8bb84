-- Invoice issuers of merchants (the original's portal created them; here the admin API will).
create table invoice_issuer (
    id              uuid primary key,
    merchant_id     uuid         not null,
    name            varchar(100) not null,
    account_type    varchar(30)  not null default 'Account',
    status          varchar(30),
    address         varchar(200),
    city            varchar(100),
    zip_code        varchar(20),
    created_at      timestamptz  not null default now()
);
create index invoice_issuer_merchant on invoice_issuer (merchant_id);

-- Dedup of consumed events (certification-events): one row per consumer and event id.
create table processed_event (
    consumer     varchar(100) not null,
    event_id     uuid         not null,
    event_type   varchar(100) not null,
    processed_at timestamptz  not null,
    primary key (consumer, event_id)
);
