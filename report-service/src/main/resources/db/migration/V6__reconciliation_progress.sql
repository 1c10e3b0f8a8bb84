-- Reconciliation runs are jobs: progress readable while they run (from any replica), failure kept.
alter table reconciliation_run
    add column status      varchar(20)  not null default 'Completed' check (status in ('Running', 'Completed', 'Failed')),
    add column total_chars bigint       not null default 0,
    add column chars_read  bigint       not null default 0,
    add column lines_read  integer      not null default 0,
    add column failure     varchar(500);
