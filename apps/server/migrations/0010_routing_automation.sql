-- Routing (queues per inbox or team, agent presence and capacity, every decision logged) and automation rules
-- (conditions and actions as data, every firing logged). Forward-only: never edit once merged.

-- A queue routes the new conversations of one inbox, or of one team when the inbox has no queue of its own.
create table routing_queues (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  inbox_id uuid references inboxes (id) on delete cascade,
  team_id uuid references teams (id) on delete cascade,
  strategy text not null default 'least_busy' check (strategy in ('round_robin', 'least_busy', 'skills')),
  -- Used when the skills strategy finds nobody with the skills.
  fallback text not null default 'least_busy' check (fallback in ('round_robin', 'least_busy', 'none')),
  required_skills jsonb not null default '[]',
  -- Prefer agents who speak the customer's language (skills `zh` / `en`, or their own locale).
  match_language boolean not null default true,
  -- A returning customer goes back to the agent who helped last, when available.
  continuity boolean not null default true,
  -- Angry customers and escalation threats go to the agents with the best emotion turnaround.
  emotion_aware boolean not null default true,
  anger_threshold real not null default 0.6 check (anger_threshold between 0 and 1),
  -- Agents who handled an abusive contact this recently get no upset customer.
  abuse_cooldown_minutes integer not null default 30 check (abuse_cooldown_minutes between 0 and 1440),
  escalate_to_supervisor boolean not null default true,
  enabled boolean not null default true,
  -- Round-robin cursor: the agent the queue assigned last.
  last_assigned_id uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (inbox_id is not null or team_id is not null)
);
create unique index routing_queues_inbox on routing_queues (inbox_id) where inbox_id is not null;
create unique index routing_queues_team on routing_queues (team_id) where inbox_id is null;

-- Presence and capacity per agent; an agent without a row is offline with the default capacity.
create table agent_routing (
  user_id uuid primary key references users (id) on delete cascade,
  presence text not null default 'offline' check (presence in ('online', 'away', 'offline')),
  capacity integer not null default 5 check (capacity between 0 and 100),
  presence_changed_at timestamptz not null default now()
);

-- Every routing decision, with why (continuity, emotion, strategy) — also when nobody was available.
create table routing_decisions (
  id bigserial primary key,
  conversation_id uuid not null references conversations (id) on delete cascade,
  queue_id uuid references routing_queues (id) on delete set null,
  assignee_id uuid references users (id) on delete set null,
  reason text not null,
  details jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index routing_decisions_conversation on routing_decisions (conversation_id, created_at desc);
create index routing_decisions_created on routing_decisions (created_at desc);

create table automation_rules (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  enabled boolean not null default true,
  event text not null check (event in ('conversation.created', 'conversation.updated', 'message.analyzed')),
  conditions jsonb not null,
  actions jsonb not null,
  position integer not null default 0,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index automation_rules_event on automation_rules (event, position) where enabled;

-- The audit trail of automation: one row per rule firing, with what each action did.
create table automation_firings (
  id uuid primary key default gen_random_uuid(),
  rule_id uuid references automation_rules (id) on delete set null,
  rule_name text not null,
  conversation_id uuid not null references conversations (id) on delete cascade,
  message_id uuid references messages (id) on delete set null,
  event text not null,
  -- One firing per rule and event occurrence (a message analysed again does not fire twice).
  dedupe_key text,
  actions jsonb not null,
  created_at timestamptz not null default now()
);
create unique index automation_firings_dedupe on automation_firings (rule_id, dedupe_key) where dedupe_key is not null;
create index automation_firings_created on automation_firings (created_at desc);
create index automation_firings_conversation on automation_firings (conversation_id, created_at desc);
