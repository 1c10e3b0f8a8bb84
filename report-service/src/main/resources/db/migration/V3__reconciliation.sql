-- Reconciliation of a merchant's bank statement against its transfers, set-based in PostgreSQL:
-- the statement's lines are staged, then matched by joins (reference, then amount and date window).
create table reconciliation_run (
    id                uuid primary key,
    merchant_id       uuid        not null,
    created_at        timestamptz not null,
    completed_at      timestamptz,
    date_window_days  integer     not null,
    period_start      date,
    period_end        date,
    lines             integer     not null default 0,
    malformed         integer     not null default 0,
    matched           integer     not null default 0,
    amount_mismatch   integer     not null default 0,
    unmatched_lines   integer     not null default 0,
    missing_transfers integer     not null default 0
);
create index reconciliation_run_merchant on reconciliation_run (merchant_id, created_at);

create table statement_line (
    run_id       uuid          not null references reconciliation_run (id),
    line_number  integer       not null,
    booking_date date          not null,
    amount       numeric(14, 2) not null,
    currency     char(3)       not null,
    reference    varchar(200),
    text         varchar(500),
    primary key (run_id, line_number)
);
create index statement_line_reference on statement_line (run_id, reference);

create table statement_error (
    run_id      uuid         not null references reconciliation_run (id),
    line_number integer      not null,
    reason      varchar(300) not null,
    primary key (run_id, line_number)
);

create table reconciliation_result (
    run_id           uuid        not null references reconciliation_run (id),
    seq              bigserial   not null,
    outcome          varchar(30) not null check (outcome in ('Matched', 'AmountMismatch', 'UnmatchedStatementLine', 'MissingFromStatement')),
    matched_by       varchar(20) check (matched_by in ('reference', 'amount-and-date')),
    line_number      integer,
    transfer_id      uuid,
    statement_amount numeric(14, 2),
    transfer_amount  numeric(14, 2),
    reference        varchar(200),
    primary key (run_id, seq)
);
-- a line and a transfer are each matched at most once per run
create unique index reconciliation_result_line on reconciliation_result (run_id, line_number) where line_number is not null;
create unique index reconciliation_result_transfer on reconciliation_result (run_id, transfer_id) where transfer_id is not null;
