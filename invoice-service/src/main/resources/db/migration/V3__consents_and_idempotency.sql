-- Direct-invoice consents: a merchant asks, through one of its invoices, for a payer's consent to
-- receive InvoiceDirect; the payer grants or declines. State as invoice.yaml's DirectInvoiceConsentState:
-- 1 Pending, 2 Granted, 3 Declined, 4 Revoked (our reading; the original documents only the numbers).
create table direct_invoice_consent (
    id            uuid primary key,
    merchant_id   uuid        not null,
    issuer_id     uuid        not null references invoice_issuer (id),
    invoice_id    uuid        not null unique references invoice (id),
    phone_number  text,
    state         smallint    not null check (state between 1 and 4),
    requested_at  timestamptz not null,
    granted_on    timestamptz,
    decided_at    timestamptz
);
-- the merchant's list of granted consents, paged by (granted_on, id)
create index direct_invoice_consent_listing on direct_invoice_consent (merchant_id, state, granted_on, id);

-- Idempotency-Key: the first answer to (client, merchant, route, key), replayed for 24 hours.
create table idempotency_record (
    client_id     text        not null,
    merchant_id   uuid        not null,
    route         text        not null,
    idem_key      text        not null,
    request_hash  text        not null,
    status        int,
    body          text,
    created_at    timestamptz not null default now(),
    primary key (client_id, merchant_id, route, idem_key)
);
create index idempotency_record_age on idempotency_record (created_at);
