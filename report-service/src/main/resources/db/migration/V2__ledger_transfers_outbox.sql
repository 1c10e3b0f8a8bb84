-- Payment points: the invoice issuers as the events' "issuer" field last described them.
create table payment_point (
    id              uuid primary key,
    merchant_id     uuid         not null,
    name            varchar(200),
    country         char(2)      not null check (country in ('DK', 'FI')),
    transfer_method varchar(10)  not null check (transfer_method in ('Instant', 'Daily')),
    currency        char(3),
    updated_at      timestamptz  not null
);
create index payment_point_merchant on payment_point (merchant_id, name, id);

-- Transfers of money to the merchant's bank account. Daily: one per payment point, business day
-- and currency (unique), its running number unique among that night's transfers.
create table transfer (
    id               uuid primary key,
    payment_point_id uuid          not null references payment_point (id),
    merchant_id      uuid          not null,
    method           varchar(10)   not null check (method in ('Instant', 'Daily')),
    business_day     date,
    transfer_date    date          not null,
    running_number   integer check (running_number between 1 and 999),
    reference        varchar(30)   not null,
    amount           numeric(14, 2) not null check (amount > 0),
    currency         char(3)       not null,
    executed_at      timestamptz   not null,
    check ((method = 'Daily') = (business_day is not null and running_number is not null))
);
create unique index transfer_daily_once on transfer (payment_point_id, business_day, currency) where method = 'Daily';
create unique index transfer_daily_running_number on transfer (transfer_date, running_number) where method = 'Daily';
create index transfer_merchant on transfer (merchant_id, executed_at);

-- The ledger: append-only (a trigger refuses updates and deletes); signs as reporting.yaml:
-- Payment positive, TransactionFee and Transfer negative, Adjustment either way.
create table ledger_entry (
    id                     uuid primary key,
    seq                    bigserial     not null unique,
    payment_point_id       uuid          not null references payment_point (id),
    merchant_id            uuid          not null,
    type                   varchar(20)   not null check (type in ('Payment', 'TransactionFee', 'Transfer', 'Adjustment')),
    amount                 numeric(14, 2) not null,
    currency               char(3)       not null,
    occurred_at            timestamptz   not null,
    -- the payment point's day (its country's zone) the entry belongs to
    business_day           date          not null,
    invoice_id             uuid,
    payment_transaction_id varchar(50),
    invoice_number         varchar(100),
    payment_reference      varchar(60),
    -- Transfer entries: the transfer they book
    transfer_id            uuid references transfer (id),
    event_id               uuid,
    note                   varchar(500),
    check (type <> 'Payment' or amount > 0),
    check (type not in ('TransactionFee', 'Transfer') or amount <= 0),
    check ((type = 'Transfer') = (transfer_id is not null))
);
-- only one Payment (and one fee) per invoice, whatever is delivered twice
create unique index ledger_one_payment_per_invoice on ledger_entry (invoice_id) where type = 'Payment';
create unique index ledger_one_fee_per_invoice on ledger_entry (invoice_id) where type = 'TransactionFee';
create unique index ledger_one_entry_per_transfer on ledger_entry (transfer_id) where type = 'Transfer';
create index ledger_merchant_time on ledger_entry (merchant_id, occurred_at, seq);
create index ledger_point_time on ledger_entry (payment_point_id, occurred_at, seq);

create function ledger_entry_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'ledger_entry is append-only: book an Adjustment instead';
end
$$;
create trigger ledger_entry_no_change before update or delete on ledger_entry
    for each row execute function ledger_entry_append_only();

-- Which transfer carried a Payment, TransactionFee or Adjustment entry: at most one (primary key).
create table transfer_item (
    entry_id    uuid primary key references ledger_entry (id),
    transfer_id uuid not null references transfer (id)
);
create index transfer_item_transfer on transfer_item (transfer_id);

-- Every InvoicePaid seen (first delivery of each invoice), for the "one Payment per Paid invoice" check.
create table paid_invoice (
    invoice_id       uuid primary key,
    merchant_id      uuid        not null,
    payment_point_id uuid        not null,
    event_id         uuid        not null,
    received_at      timestamptz not null
);

-- Transactional outbox (same DDL as invoice-service): TransferExecuted goes out with its transfer.
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
