-- The staging table of a reconciliation run: the statement is COPYed in, line by line, well-formed
-- or not (then with its reason), matched by joins, and deleted once the run has ended (the results
-- keep line numbers, amounts and references). Unlogged: a crash loses only runs that were running.
-- No index: a run reads all of its lines at once, by hash joins.
create unlogged table statement_stage (
    run_id       uuid          not null,
    line_number  integer       not null,
    booking_date date,
    amount       numeric(14, 2),
    currency     char(3),
    reference    varchar(200),
    text         varchar(500),
    error        varchar(300),
    check ((error is null) = (booking_date is not null and amount is not null and currency is not null))
);
-- statement_line was the staging of earlier runs (row by row inserts); nothing reads it any more
drop table statement_line;
