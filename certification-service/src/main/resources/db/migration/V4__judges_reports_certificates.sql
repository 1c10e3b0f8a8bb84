-- Step 3 (rest): evidence from every source, not only api-activity calls.
alter table case_evidence alter column method drop not null;
alter table case_evidence alter column route drop not null;
alter table case_evidence alter column status drop not null;
alter table case_evidence alter column event_id drop not null;     -- a NOT_OBSERVED or review entry has none
alter table case_evidence add column source varchar(40) not null default 'api-activity'; -- topic, 'review' or 'timeout'
alter table case_evidence add column event_type varchar(100);
alter table case_evidence add column invoice_id uuid;                -- forbidden: repeats on the same invoice
alter table case_evidence add column session_id varchar(100);        -- refreshed-session: same sid …
alter table case_evidence add column token_issued_at timestamptz;    -- … later iat
-- callback-events answer a command by its event id
create index case_evidence_event_idx on case_evidence (event_id) where outcome = 'SENT';

alter table run_case add column declaration text;                    -- the integrator's answer to a review case

alter table certification_run add column merchant_id uuid;           -- the merchant first seen in the run's traffic (test callbacks go there)
alter table certification_run add column finished_at timestamptz;    -- approved or cancelled
alter table certification_run add column report text;                -- the approved report, the exact signed bytes (UTF-8 JSON)
alter table certification_run add column report_jws text;            -- JWS compact serialization of report (EdDSA, kid)

-- invoices the run's client created or touched, from api-activity: which invoice-events belong to the run
create table run_invoice (
    run_id     uuid not null references certification_run (id) on delete cascade,
    invoice_id uuid not null,
    primary key (run_id, invoice_id)
);
create index run_invoice_invoice_idx on run_invoice (invoice_id);

-- Certificates: production client + client system name + Major.Minor; immutable but for retraction.
create table certificate (
    id                   uuid primary key,
    run_id               uuid         not null references certification_run (id),
    integrator_id        varchar(100) not null,
    production_client_id varchar(255) not null,
    client_system_name   varchar(100) not null,
    major_minor          varchar(21)  not null,
    certified_version    varchar(32)  not null,  -- the build the run judged
    state                varchar(20)  not null,  -- VALID, RETRACTED
    issued_at            timestamptz  not null,
    retracted_at         timestamptz,
    retraction_reason    text,
    retracted_by         varchar(255)
);
-- at most one valid certificate per production client, system and Major.Minor
create unique index certificate_valid_uq on certificate (production_client_id, client_system_name, major_minor) where state = 'VALID';

-- what happened to each certificate, never updated or deleted
create table certificate_history (
    id             uuid primary key,
    certificate_id uuid         not null references certificate (id),
    event_type     varchar(50)  not null,  -- ClientVersionCertified, CertificationRetracted
    event_id       uuid         not null,  -- the certification-events record
    occurred_at    timestamptz  not null,
    actor          varchar(255),
    reason         text
);

-- report signing keys: every key ever used stays published; a generated (sandbox) key keeps its private part here
create table signing_key (
    kid         varchar(100) primary key,
    public_key  text        not null,      -- X.509 SubjectPublicKeyInfo, base64
    private_key text,                       -- PKCS#8, base64; only for generated sandbox keys
    created_at  timestamptz not null
);

-- Transactional outbox (as the other services'): callback-commands and certification-events
create table outbox_event (
    seq        bigserial    not null,
    event_id   uuid         primary key,
    topic      varchar(100) not null,
    record_key varchar(100) not null,
    envelope   jsonb        not null,
    created_at timestamptz  not null,
    sent_at    timestamptz
);
create index outbox_unsent on outbox_event (seq) where sent_at is null;
