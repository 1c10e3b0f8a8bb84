-- The api-activity judge keeps each open case's judging state in memory (JudgedCases) and checks it per poll
-- against run_case.version. Every writer moves the version without knowing of it: any update of a case and any
-- evidence added to it take a new value from a sequence, so a case deleted and selected again never repeats one.
create sequence run_case_version;
alter table run_case add column version bigint not null default nextval('run_case_version');

create function next_run_case_version() returns trigger language plpgsql as $$
begin
    new.version := nextval('run_case_version');
    return new;
end $$;

create trigger run_case_version before update on run_case for each row execute function next_run_case_version();

create function evidence_moves_case_version() returns trigger language plpgsql as $$
begin
    -- next_run_case_version gives each case its new value
    update run_case c set version = c.version from (select distinct run_id, ordinal from added) a
    where c.run_id = a.run_id and c.ordinal = a.ordinal;
    return null;
end $$;

create trigger case_evidence_version after insert on case_evidence referencing new table as added
    for each statement execute function evidence_moves_case_version();

-- Repeated calls are not a row each: past a few samples per case, assertion and outcome, the last sample counts
-- how many more calls like it were observed (and when the last was), and the report says so.
alter table case_evidence add column repeats bigint not null default 0;
alter table case_evidence add column last_repeat_at timestamptz;
