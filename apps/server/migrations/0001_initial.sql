-- Tongli schema, PostgreSQL dialect; runs on PGlite and PostgreSQL. Forward-only: never edit once merged.

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  name text not null,
  role text not null check (role in ('agent', 'supervisor', 'qa', 'admin')),
  password_hash text not null,
  locale text not null default 'zh-CN',
  skills jsonb not null default '[]',
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);

create table teams (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  created_at timestamptz not null default now()
);

create table team_members (
  team_id uuid not null references teams (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  primary key (team_id, user_id)
);

create table sessions (
  token_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  token_hash text not null unique,
  prefix text not null,
  role text not null check (role in ('agent', 'supervisor', 'qa', 'admin')),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table inboxes (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  channel text not null check (channel in ('web', 'email', 'api', 'import')),
  team_id uuid references teams (id),
  -- Widget identity signing key / email address and other channel settings.
  settings jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table customers (
  id uuid primary key default gen_random_uuid(),
  name text not null default '',
  locale text,
  attributes jsonb not null default '{}',
  merged_into uuid references customers (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table customer_identities (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers (id) on delete cascade,
  kind text not null check (kind in ('phone', 'email', 'visitor', 'external')),
  value text not null,
  created_at timestamptz not null default now(),
  unique (kind, value)
);
create index customer_identities_customer on customer_identities (customer_id);

create table conversations (
  id uuid primary key default gen_random_uuid(),
  inbox_id uuid not null references inboxes (id),
  customer_id uuid not null references customers (id),
  team_id uuid references teams (id),
  assignee_id uuid references users (id),
  status text not null default 'open' check (status in ('open', 'pending', 'snoozed', 'resolved')),
  priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
  subject text not null default '',
  tags jsonb not null default '[]',
  external_id text,
  snoozed_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_message_at timestamptz,
  -- When the customer started waiting for a reply; null when the agent spoke last.
  waiting_since timestamptz,
  first_response_at timestamptz,
  resolved_at timestamptz
);
create index conversations_customer on conversations (customer_id, created_at desc);
create index conversations_status on conversations (status, last_message_at desc);
create index conversations_assignee on conversations (assignee_id, status);
create index conversations_team on conversations (team_id, status);
create unique index conversations_external on conversations (inbox_id, external_id) where external_id is not null;

create table messages (
  id uuid primary key default gen_random_uuid(),
  seq bigserial not null unique,
  conversation_id uuid not null references conversations (id) on delete cascade,
  type text not null check (type in ('incoming', 'outgoing', 'note', 'activity')),
  sender_type text not null check (sender_type in ('customer', 'agent', 'system')),
  sender_id uuid,
  body text not null,
  content_type text not null default 'text' check (content_type in ('text', 'email')),
  idempotency_key text unique,
  email_message_id text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index messages_conversation on messages (conversation_id, seq);
create index messages_email on messages (email_message_id) where email_message_id is not null;

create table message_analyses (
  message_id uuid primary key references messages (id) on delete cascade,
  conversation_id uuid not null references conversations (id) on delete cascade,
  engine_version text not null,
  lexicon_hash text not null,
  emotion text,
  intensity real,
  sentiment real,
  empathy real,
  signals jsonb not null default '[]',
  result jsonb not null,
  analyzed_at timestamptz not null default now()
);
create index message_analyses_conversation on message_analyses (conversation_id);
create index message_analyses_version on message_analyses (engine_version, lexicon_hash);

create table conversation_analyses (
  conversation_id uuid primary key references conversations (id) on delete cascade,
  engine_version text not null,
  lexicon_hash text not null,
  last_emotion text,
  last_intensity real,
  empathy_score real,
  satisfaction real,
  risk jsonb not null default '[]',
  result jsonb not null,
  analyzed_at timestamptz not null default now()
);

create table evaluations (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations (id) on delete cascade,
  agent_id uuid references users (id),
  kind text not null check (kind in ('auto', 'review')),
  reviewer_id uuid references users (id),
  scorecard text not null,
  score real not null,
  result jsonb not null,
  status text not null default 'final' check (status in ('final', 'disputed', 'resolved')),
  dispute jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index evaluations_conversation on evaluations (conversation_id, kind);
create index evaluations_agent on evaluations (agent_id, created_at desc);

create table canned_replies (
  id uuid primary key default gen_random_uuid(),
  short_code text not null unique,
  title text not null,
  body text not null,
  locale text not null default 'zh-CN',
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- The organisation's empathy guidelines (do-say / don't-say / glossary); one row per version.
create table guidelines (
  version serial primary key,
  content jsonb not null,
  updated_by uuid references users (id),
  created_at timestamptz not null default now()
);

create table webhooks (
  id uuid primary key default gen_random_uuid(),
  url text not null,
  secret text not null,
  events jsonb not null,
  active boolean not null default true,
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  webhook_id uuid not null references webhooks (id) on delete cascade,
  event text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  response_status integer,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index webhook_deliveries_webhook on webhook_deliveries (webhook_id, created_at desc);

-- The outbox: background work written in the same transaction as the data it is about, so a crash loses none.
create table jobs (
  id bigserial primary key,
  kind text not null,
  payload jsonb not null,
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 8,
  locked_until timestamptz,
  locked_by text,
  last_error text,
  done_at timestamptz,
  created_at timestamptz not null default now()
);
create index jobs_due on jobs (run_at) where done_at is null;

create table import_batches (
  id uuid primary key default gen_random_uuid(),
  inbox_id uuid not null references inboxes (id),
  status text not null default 'running' check (status in ('running', 'done', 'failed')),
  total integer not null default 0,
  imported integer not null default 0,
  analyzed integer not null default 0,
  skipped jsonb not null default '[]',
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  finished_at timestamptz
);

create table audit_log (
  id bigserial primary key,
  actor_id uuid,
  actor_type text not null check (actor_type in ('user', 'token', 'system', 'anonymous')),
  action text not null,
  target_type text,
  target_id text,
  details jsonb not null default '{}',
  ip text,
  created_at timestamptz not null default now()
);
create index audit_log_created on audit_log (created_at desc);
