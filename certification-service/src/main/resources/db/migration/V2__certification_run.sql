-- A certification run: step 1 (identification) fills the run, step 2 (selection) its cases.
create table certification_run (
    id                   uuid primary key,
    integrator_id        varchar(100) not null,
    sandbox_client_id    varchar(255) not null,
    production_client_id varchar(255) not null,
    client_system_name   varchar(100) not null,
    client_version       varchar(32)  not null,   -- Major.Minor.Build as identified
    major_minor          varchar(21)  not null,   -- what a certificate will cover
    status               varchar(20)  not null,   -- IDENTIFIED, SELECTED
    catalog_version      varchar(50)  not null,
    features             text,                    -- comma-separated selection, catalog order
    amount               numeric(12, 2) not null, -- run-specific values put into the instructions
    currency             varchar(3)   not null,
    payment_reference    varchar(60)  not null,
    invoice_number       varchar(100) not null,
    created_at           timestamptz  not null,
    selected_at          timestamptz
);
-- the judge finds the open runs of a client and version from each api-activity record
create index certification_run_client_idx on certification_run (sandbox_client_id, client_version);

create table run_case (
    run_id      uuid         not null references certification_run (id) on delete cascade,
    ordinal     int          not null,
    case_id     varchar(100) not null,
    feature     varchar(100) not null,
    title       varchar(300) not null,
    checklist   varchar(300),
    instruction text         not null,
    assertions  text         not null, -- JSON, the catalog's assertions with this run's values filled in
    status      varchar(20)  not null, -- PENDING until judged
    primary key (run_id, ordinal),
    unique (run_id, case_id)
);
