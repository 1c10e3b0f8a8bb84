-- A running reconciliation is leased by the service instance that runs it: renewed while the run goes on
-- (and while it waits for a free slot). A run whose lease has expired lost its instance (the JVM died with
-- its temporary file): any replica's sweep marks it Failed with that reason and drops its staged lines.
alter table reconciliation_run add column lease_until timestamptz;
-- runs left Running by an instance that died before this column existed: expired now, failed by the first sweep
update reconciliation_run set lease_until = now() where status = 'Running';
create index reconciliation_run_running on reconciliation_run (lease_until) where status = 'Running';
