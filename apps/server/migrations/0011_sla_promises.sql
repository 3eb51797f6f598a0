-- SLAs with expectation-setting, and promise tracking. Forward-only: never edit once merged.

-- One row: how often the ticker checks, and how promises are reminded.
create table sla_settings (
  id integer primary key default 1 check (id = 1),
  tick_seconds integer not null default 60 check (tick_seconds between 5 and 3600),
  promise_reminder_minutes integer not null default 60 check (promise_reminder_minutes between 0 and 10080),
  promise_default_hours integer not null default 24 check (promise_default_hours between 1 and 720),
  updated_by uuid references users (id),
  updated_at timestamptz not null default now()
);
insert into sla_settings (id) values (1);

-- Business hours, holidays and expectation settings; inbox_id null is the default for inboxes without their own.
create table sla_calendars (
  id uuid primary key default gen_random_uuid(),
  inbox_id uuid references inboxes (id) on delete cascade,
  time_zone text not null default 'Asia/Shanghai',
  -- [{ "day": 1..7, "start": "HH:MM", "end": "HH:MM" }]; empty: open around the clock.
  hours jsonb not null default '[]',
  holidays jsonb not null default '[]',
  workdays jsonb not null default '[]',
  -- Send the proposed expectation-setting message without waiting for the agent.
  auto_expectation boolean not null default false,
  updated_by uuid references users (id),
  updated_at timestamptz not null default now()
);
create unique index sla_calendars_scope on sla_calendars ((coalesce(inbox_id, '00000000-0000-0000-0000-000000000000'::uuid)));

-- Response targets per inbox (null: every inbox) and priority (null: every priority); the most specific one applies.
create table sla_policies (
  id uuid primary key default gen_random_uuid(),
  inbox_id uuid references inboxes (id) on delete cascade,
  priority text check (priority in ('low', 'normal', 'high', 'urgent')),
  first_response_minutes integer not null check (first_response_minutes between 1 and 100000),
  next_response_minutes integer not null check (next_response_minutes between 1 and 100000),
  warn_percent integer not null default 80 check (warn_percent between 1 and 99),
  updated_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index sla_policies_scope on sla_policies (
  (coalesce(inbox_id, '00000000-0000-0000-0000-000000000000'::uuid)), (coalesce(priority, '*'))
);

-- SLA alerts raised, one per conversation, target, kind and wait (the wait's start), so each fires once.
create table sla_alerts (
  conversation_id uuid not null references conversations (id) on delete cascade,
  target text not null check (target in ('first_response', 'next_response')),
  kind text not null check (kind in ('warning', 'breached')),
  waiting_since timestamptz not null,
  due_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (conversation_id, waiting_since, target, kind)
);

-- Expectation-setting messages proposed while a conversation waits on a teammate or another department.
create table sla_expectations (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations (id) on delete cascade,
  reason text not null check (reason in ('pending', 'transfer', 'note', 'manual')),
  -- The internal note that triggered it (one proposal per note).
  source_message_id uuid unique references messages (id) on delete cascade,
  team_id uuid references teams (id) on delete set null,
  locale text not null,
  due_at timestamptz not null,
  body text not null,
  status text not null default 'proposed' check (status in ('proposed', 'sent', 'dismissed')),
  message_id uuid references messages (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index sla_expectations_conversation on sla_expectations (conversation_id, created_at desc);

-- Commitments agents made in replies ("48小时内给您回电", "I'll email you by Friday"), tracked until kept.
create table promises (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations (id) on delete cascade,
  message_id uuid not null references messages (id) on delete cascade,
  -- Where the promise starts in the message (re-analysing a message adds no duplicate).
  span_start integer not null,
  agent_id uuid references users (id) on delete set null,
  text text not null,
  due_phrase text not null,
  due_at timestamptz not null,
  -- False when the due phrase was not understood and the default delay applies.
  due_known boolean not null default true,
  status text not null default 'open' check (status in ('open', 'overdue', 'fulfilled', 'cancelled')),
  reminded_at timestamptz,
  overdue_at timestamptz,
  closed_at timestamptz,
  closed_by uuid references users (id) on delete set null,
  note text,
  created_at timestamptz not null default now(),
  unique (message_id, span_start)
);
create index promises_conversation on promises (conversation_id, due_at);
create index promises_agent on promises (agent_id, status, due_at);
create index promises_due on promises (due_at) where status in ('open', 'overdue');
