-- Step 3 (first part): verdicts of cases judged from api-activity, with the records as evidence.
alter table run_case add column judged_at timestamptz;
alter table run_case add column reason text;

create table case_evidence (
    id              uuid primary key,
    run_id          uuid         not null,
    ordinal         int          not null,
    assertion_index int          not null,
    outcome         varchar(20)  not null, -- MATCHED, MISMATCHED (values differ), OTHER_STATUS
    event_id        uuid         not null, -- the api-activity record
    occurred_at     timestamptz  not null,
    correlation_id  varchar(100),
    merchant_id     uuid,
    method          varchar(10)  not null,
    route           varchar(300) not null,
    status          int          not null,
    observed_values text,                  -- JSON object of the values the call carried
    reason          text,
    foreign key (run_id, ordinal) references run_case (run_id, ordinal) on delete cascade,
    unique (run_id, ordinal, assertion_index, event_id)
);
create index certification_run_selected_idx on certification_run (sandbox_client_id, client_version) where status = 'SELECTED';
