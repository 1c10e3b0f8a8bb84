-- What the original's portal knew about an issuer: where it is (time zone, currency, limits),
-- how its money is transferred, and whether account validation enabled it.
alter table invoice_issuer
    add column country         char(2)     not null default 'DK' check (country in ('DK', 'FI')),
    add column currency        char(3)     not null default 'DKK' check (currency in ('DKK', 'EUR')),
    add column transfer_method varchar(10) not null default 'Instant' check (transfer_method in ('Instant', 'Daily')),
    add column enabled         boolean     not null default false,
    add column logo_url        varchar(500);

-- Payers of the sandbox: a phone alias, a payer id and test cards (one may always fail).
create table sandbox_consumer (
    id           uuid primary key,
    phone_number varchar(20)  not null unique,
    name         varchar(100) not null,
    available    boolean      not null default true,
    created_at   timestamptz  not null default now()
);

create table consumer_card (
    id            uuid primary key,
    consumer_id   uuid        not null references sandbox_consumer (id),
    masked_number varchar(20) not null,
    card_type     varchar(20) not null,
    always_fails  boolean     not null default false
);
create index consumer_card_consumer on consumer_card (consumer_id);

create table invoice (
    id                     uuid primary key,
    merchant_id            uuid          not null,
    issuer_id              uuid          not null references invoice_issuer (id),
    kind                   varchar(10)   not null check (kind in ('Direct', 'Link')),
    status                 varchar(10)   not null,
    sequence               integer       not null,
    status_date            timestamptz   not null,
    consumer_phone         varchar(20),
    consumer_name          varchar(200),
    total_amount           numeric(12, 2) not null,
    total_vat_amount       numeric(12, 2),
    currency               char(3)       not null,
    invoice_number         varchar(100)  not null,
    payment_reference      varchar(60),
    issue_date             date          not null,
    due_date               date          not null,
    order_date             date,
    delivery_date          date,
    comment                varchar(1000),
    merchant_contact_name  varchar(200),
    merchant_order_number  varchar(100),
    buyer_order_number     varchar(100),
    invoice_url            varchar(1000),
    redirect_url           varchar(1000),
    consumer_address_lines text,  -- JSON arrays, stored and returned whole
    delivery_address_lines text,
    articles               text          not null,
    payment_date           date,
    card_id                uuid,
    payment_transaction_id varchar(50),
    error_code             varchar(10),
    error_message          varchar(500),
    link_token             varchar(64) unique,
    batch_id               uuid,
    request_hash           varchar(64)   not null,
    created_at             timestamptz   not null,
    created_on             date          not null
);
-- an identical request is refused (10104), enforced by the database under concurrency
create unique index invoice_identical_request on invoice (merchant_id, request_hash);
-- the daily limit counts a consumer's invoices of one merchant on one day
create index invoice_consumer_day on invoice (merchant_id, consumer_phone, created_on);
-- the payment and expiry jobs look for due work
create index invoice_scheduled_payment on invoice (payment_date) where status = 'Accepted';
create index invoice_unpaid_due on invoice (due_date) where status = 'Created';

-- Transactional outbox: events committed with the state change, published by OutboxRelay.
create table outbox_event (
    seq        bigserial   not null,
    event_id   uuid        primary key,
    topic      varchar(100) not null,
    record_key varchar(100) not null,
    envelope   jsonb        not null,
    created_at timestamptz  not null,
    sent_at    timestamptz
);
create index outbox_unsent on outbox_event (seq) where sent_at is null;
