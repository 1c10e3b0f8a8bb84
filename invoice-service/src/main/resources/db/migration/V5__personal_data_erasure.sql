-- DESIGN.md "Housekeeping every service does": the payer's personal data on an invoice (phone, name,
-- addresses) is deleted on request and after a retention (PersonalData). An open invoice keeps it
-- until it is final: erasure_requested_at marks it for erasure then.
alter table invoice add column erasure_requested_at timestamptz;
alter table invoice add column personal_data_erased_at timestamptz;
-- what the retention job looks for; a new invoice (Created) is in neither index
create index invoice_personal_data_due on invoice (status_date)
    where personal_data_erased_at is null and status in ('Paid', 'Rejected', 'Expired', 'Canceled', 'Invalid');
create index invoice_erasure_requested on invoice (status_date)
    where erasure_requested_at is not null and personal_data_erased_at is null;
