-- A merchant's one callback endpoint (a new PUT replaces it). Credentials are encrypted
-- (AES-256-GCM) under the key named by credential_key_id, so keys rotate without re-encrypting.
create table callback_endpoint (
    merchant_id           uuid primary key,
    auth_type             varchar(10)   not null check (auth_type in ('Basic', 'ApiKey')),
    callback_url          varchar(1000) not null,
    credential_key_id     varchar(50)   not null,
    credential_ciphertext text          not null,
    updated_at            timestamptz   not null
);

-- Signing secrets of a merchant: every unexpired one signs (rotation overlap), encrypted as credentials.
create table signing_secret (
    id                uuid primary key,
    merchant_id       uuid        not null,
    key_id            varchar(50) not null,
    secret_ciphertext text        not null,
    created_at        timestamptz not null,
    expires_at        timestamptz
);
create index signing_secret_merchant on signing_secret (merchant_id, created_at);

-- One status change to call back; batch_id is null until a batch takes it.
create table pending_item (
    id            bigserial primary key,
    event_id      uuid         not null unique,
    merchant_id   uuid         not null,
    invoice_id    uuid         not null,
    status        varchar(10)  not null,
    status_date   timestamptz  not null,
    sequence      bigint       not null,
    payment_date  date,
    error_code    varchar(20),
    error_message varchar(500),
    links         text, -- JSON array, sent whole
    batch_id      uuid,
    received_at   timestamptz  not null
);
create index pending_item_unassigned on pending_item (merchant_id, status_date, sequence, id) where batch_id is null;
create index pending_item_batch on pending_item (batch_id);

-- The delivery state of a merchant: the row replicas lock (FOR UPDATE SKIP LOCKED) to claim its work.
create table merchant_delivery (
    merchant_id     uuid primary key,
    open_batch_id   uuid,
    next_attempt_at timestamptz,
    lease_until     timestamptz
);

-- A callback request body; its id is the webhook-id, stable across attempts.
create table callback_batch (
    id               uuid primary key,
    merchant_id      uuid        not null,
    state            varchar(15) not null check (state in ('Pending', 'Delivered', 'DeadLettered')),
    attempts         integer     not null default 0,
    test             boolean     not null default false,
    created_at       timestamptz not null,
    next_attempt_at  timestamptz,
    delivered_at     timestamptz,
    dead_lettered_at timestamptz
);
create index callback_batch_merchant on callback_batch (merchant_id, created_at desc);

create table delivery_attempt (
    id              bigserial primary key,
    batch_id        uuid          not null references callback_batch (id),
    attempt         integer       not null,
    url             varchar(1000) not null,
    started_at      timestamptz   not null,
    status_code     integer,
    response_ms     bigint,
    error           varchar(500),
    response_body   varchar(2048),
    outcome         varchar(15)   not null,
    next_attempt_at timestamptz
);
create index delivery_attempt_batch on delivery_attempt (batch_id, attempt);

-- Transactional outbox (as invoice-service's): callback-events committed with the state change.
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
