-- Metrics and canned-reply statistics. Metrics are rolled up on read from the source tables (see docs/METRICS.md);
-- this migration only adds what makes those reads fast, and the record of canned replies actually sent.

-- Every metrics query starts from the conversations created in a period.
create index if not exists conversations_created_at on conversations (created_at);

-- One row per canned reply sent in a reply (the composer reports it after the message is stored).
create table canned_reply_uses (
  id bigserial primary key,
  canned_reply_id uuid not null references canned_replies (id) on delete cascade,
  user_id uuid references users (id) on delete set null,
  conversation_id uuid references conversations (id) on delete set null,
  used_at timestamptz not null default now()
);
create index canned_reply_uses_reply on canned_reply_uses (canned_reply_id, used_at desc);

-- Status changes (activity messages) of a conversation: the metrics count resolutions to tell a reopened conversation.
create index if not exists messages_activity on messages (conversation_id, created_at) where type = 'activity';
