-- The api-activity judge keeps the SELECTED runs in memory (ActiveRuns) and drops traffic of versions no run judges.
-- Every change of a run's status or selection bumps this generation in the changing transaction, and each replica's
-- judge reads it after every poll: a record polled after a selection committed always finds its run.
create table run_generation (
    id         int    primary key check (id = 1),
    generation bigint not null
);
insert into run_generation (id, generation) values (1, 0);

create function bump_run_generation() returns trigger language plpgsql as $$
begin
    update run_generation set generation = generation + 1 where id = 1;
    return null;
end $$;

-- a new run is IDENTIFIED (judged only once selected); only a real change bumps, not an update of merchant_id
create trigger certification_run_generation
    after update on certification_run for each row
    when (old.status is distinct from new.status or old.selected_at is distinct from new.selected_at
          or old.sandbox_client_id is distinct from new.sandbox_client_id
          or old.client_system_name is distinct from new.client_system_name
          or old.client_version is distinct from new.client_version)
    execute function bump_run_generation();
