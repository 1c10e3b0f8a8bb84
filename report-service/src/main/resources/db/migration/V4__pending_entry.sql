-- The work list of the night run: entries (Payment, TransactionFee, Adjustment) no transfer has
-- settled yet. Not part of the ledger (which stays append-only): a row is added with its entry and
-- removed, in the same transaction, when a transfer settles it, so the night run reads only what
-- is pending instead of anti-joining the whole ledger history every tick.
create table pending_entry (
    entry_id         uuid primary key references ledger_entry (id),
    payment_point_id uuid          not null,
    business_day     date          not null,
    currency         char(3)       not null,
    amount           numeric(14, 2) not null
);
create index pending_entry_due on pending_entry (business_day, payment_point_id, currency);

insert into pending_entry (entry_id, payment_point_id, business_day, currency, amount)
select e.id, e.payment_point_id, e.business_day, e.currency, e.amount
from ledger_entry e
where e.type <> 'Transfer' and not exists (select 1 from transfer_item ti where ti.entry_id = e.id);
