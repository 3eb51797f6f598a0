-- One id per installation (database, or schema of a shared database). Processes of one installation publish realtime
-- events on a Redis channel named after it, so two installations sharing a Redis never see each other's events.
create table instance (
  singleton boolean primary key default true check (singleton),
  id uuid not null default gen_random_uuid()
);
insert into instance default values;
