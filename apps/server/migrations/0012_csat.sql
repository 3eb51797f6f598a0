-- CSAT surveys: one per conversation, created when it is first resolved and delivered in its own channel (inline in
-- the widget, a link by email, a webhook event for API inboxes). The link's token is stored only as its SHA-256.
create table csat_surveys (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null unique references conversations (id) on delete cascade,
  token_hash text not null unique,          -- sha256 of the survey token in the link; the token itself is never stored
  channel text not null,                    -- 'web' | 'email' | 'api' ...
  agent_id uuid references users (id),      -- the assignee when sent
  team_id uuid references teams (id),
  sent_at timestamptz not null default now(),
  rating smallint check (rating between 1 and 5),
  comment text,
  comment_analysis jsonb,                   -- the engine's CustomerAnalysis of the comment
  answered_at timestamptz,
  -- Added for delivery: the customer's language for the survey texts, and when the channel delivered it.
  locale text not null default 'zh',
  delivered_at timestamptz,
  check ((rating is null) = (answered_at is null))
);

create index csat_surveys_sent_at on csat_surveys (sent_at);
create index csat_surveys_agent on csat_surveys (agent_id, sent_at);
create index csat_surveys_team on csat_surveys (team_id, sent_at);
