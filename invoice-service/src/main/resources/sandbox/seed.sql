-- The ready-to-use sandbox (local stack and tests): both merchants each with an enabled Instant
-- issuer and an enabled Daily issuer, and test consumers with Danish phone numbers and cards.
-- Run at every start in sandbox mode only (SandboxSeed); idempotent: every insert skips what exists.
insert into invoice_issuer (id, merchant_id, name, account_type, address, city, zip_code, country, currency, transfer_method, enabled)
values ('11111111-1111-4111-8111-000000000001', '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'Merchant One Instant', 'Account', 'Strandvejen 1', 'Hellerup', '2900', 'DK', 'DKK', 'Instant', true),
       ('11111111-1111-4111-8111-000000000002', '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'Merchant One Daily', 'Account', 'Strandvejen 1', 'Hellerup', '2900', 'DK', 'DKK', 'Daily', true),
       ('11111111-1111-4111-8111-000000000003', '9b2f4a8e-3c1d-4e5f-8a6b-0d7c2e1f3a4b', 'Merchant Two Instant', 'Account', 'Mannerheimintie 2', 'Helsinki', '00100', 'FI', 'EUR', 'Instant', true),
       ('11111111-1111-4111-8111-000000000004', '9b2f4a8e-3c1d-4e5f-8a6b-0d7c2e1f3a4b', 'Merchant Two Daily', 'Account', 'Mannerheimintie 2', 'Helsinki', '00100', 'FI', 'EUR', 'Daily', true),
       ('11111111-1111-4111-8111-000000000005', '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'Merchant One Not Validated', 'Account', 'Strandvejen 1', 'Hellerup', '2900', 'DK', 'DKK', 'Instant', false)
on conflict (id) do nothing;

insert into sandbox_consumer (id, phone_number, name, available)
values ('22222222-2222-4222-8222-000000000001', '+4540000001', 'Test Payer One', true),
       ('22222222-2222-4222-8222-000000000002', '+4540000002', 'Test Payer Two', true),
       ('22222222-2222-4222-8222-000000000003', '+4540000003', 'Test Payer Unavailable', false),
       ('22222222-2222-4222-8222-000000000004', '+358400000004', 'Test Payer Finland', true)
on conflict (id) do nothing;

insert into consumer_card (id, consumer_id, masked_number, card_type, always_fails)
values ('33333333-3333-4333-8333-000000000001', '22222222-2222-4222-8222-000000000001', '4571 XXXX XXXX 0001', 'Visa', false),
       ('33333333-3333-4333-8333-000000000002', '22222222-2222-4222-8222-000000000001', '5413 XXXX XXXX 0002', 'Mastercard', true),
       ('33333333-3333-4333-8333-000000000003', '22222222-2222-4222-8222-000000000002', '4571 XXXX XXXX 0003', 'Visa', false),
       ('33333333-3333-4333-8333-000000000004', '22222222-2222-4222-8222-000000000004', '4571 XXXX XXXX 0004', 'Visa', false)
on conflict (id) do nothing;
