-- The organisation's QA scorecard (criteria, weights, rules), edited in the app; one row per version.
-- The newest row is what the engine scores with; with no row, the engine's default empathy scorecard applies.
create table scorecards (
  version serial primary key,
  content jsonb not null,
  updated_by uuid references users (id),
  created_at timestamptz not null default now()
);
