import { sql, type RawBuilder } from 'kysely';
import type { Channel } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';

/** Which conversations an analytics query reads: created in [from, to), optionally one team and one channel. */
export interface AnalyticsScope {
  from: Date;
  to: Date;
  teamId?: string | undefined;
  channel?: Channel | undefined;
  bucket: 'day' | 'week';
}

/** Days a resolved conversation must stay without a new one from the same customer to count as first-contact resolution. */
export const FCR_DAYS = 7;
/** Most points the empathy/satisfaction scatter returns (the trend line uses every conversation). */
export const MAX_SCATTER_POINTS = 1000;
/** Most subjects read for the anger drivers' key terms (most recent first). */
export const MAX_DRIVER_SUBJECTS = 5000;
/** Most agents in the technique usage chart (the busiest). */
export const MAX_AGENTS = 30;

/** One bucket of the time series (or the whole period when `bucket` is null). */
export interface SeriesRow {
  bucket: string | null;
  conversations: number;
  analysed: number;
  satisfied: number;
  satisfaction_mean: number | null;
  resolved: number;
  fcr: number;
  median_first_response_s: number | null;
  median_handle_s: number | null;
  empathy_mean: number | null;
}

/** The conversations in scope with the columns the charts need; every query starts from it. */
function scoped(scope: AnalyticsScope): RawBuilder<unknown> {
  return sql`select c.id, c.customer_id, c.status, c.subject, c.tags, c.created_at, c.first_response_at, c.resolved_at,
      to_char(date_trunc(${scope.bucket}, c.created_at at time zone 'UTC'), 'YYYY-MM-DD') as bucket
    from conversations c join inboxes i on i.id = c.inbox_id
    where c.created_at >= ${scope.from} and c.created_at < ${scope.to}
      ${scope.teamId ? sql`and c.team_id = ${scope.teamId}` : sql``}
      ${scope.channel ? sql`and i.channel = ${scope.channel}` : sql``}`;
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/**
 * Per bucket and for the whole period (the row whose bucket is null): conversations, the engine's satisfaction
 * estimate, first-contact resolution, median first response and handle times, mean empathy score.
 * @example
 * const rows = await loadSeries(db, { from, to, bucket: 'day' });
 */
export async function loadSeries(db: Executor, scope: AnalyticsScope): Promise<SeriesRow[]> {
  const { rows } = await sql<Record<string, unknown>>`
    with s as (${scoped(scope)})
    select s.bucket,
      count(*) as conversations,
      count(ca.conversation_id) as analysed,
      count(*) filter (where ca.satisfaction_label = 'satisfied') as satisfied,
      avg(ca.satisfaction) as satisfaction_mean,
      count(*) filter (where s.status = 'resolved' and s.resolved_at is not null) as resolved,
      count(*) filter (
        where s.status = 'resolved' and s.resolved_at is not null and not exists (
          select 1 from conversations n
          where n.customer_id = s.customer_id and n.id <> s.id
            and n.created_at > s.created_at and n.created_at <= s.created_at + make_interval(days => ${FCR_DAYS})
        )
      ) as fcr,
      percentile_cont(0.5) within group (order by extract(epoch from (s.first_response_at - s.created_at))) as median_first_response_s,
      percentile_cont(0.5) within group (
        order by case when s.status = 'resolved' then extract(epoch from (s.resolved_at - s.created_at)) end
      ) as median_handle_s,
      avg(ca.empathy_score) as empathy_mean
    from s left join conversation_analyses ca on ca.conversation_id = s.id
    group by grouping sets ((s.bucket), ())
    order by s.bucket nulls first`.execute(db);
  return rows.map((r) => ({
    bucket: (r.bucket as string | null) ?? null,
    conversations: Number(r.conversations),
    analysed: Number(r.analysed),
    satisfied: Number(r.satisfied),
    satisfaction_mean: num(r.satisfaction_mean),
    resolved: Number(r.resolved),
    fcr: Number(r.fcr),
    median_first_response_s: num(r.median_first_response_s),
    median_handle_s: num(r.median_handle_s),
    empathy_mean: num(r.empathy_mean),
  }));
}

/** Empathy score against the satisfaction estimate: a sample of points and the least-squares fit over all. */
export interface ScatterData {
  points: { conversation_id: string; empathy: number; satisfaction: number }[];
  n: number;
  slope: number | null;
  intercept: number | null;
  r: number | null;
}

/** Empathy against satisfaction per analysed conversation, the trend fitted in SQL (`regr_slope`, `corr`). */
export async function loadScatter(db: Executor, scope: AnalyticsScope): Promise<ScatterData> {
  const fit = await sql<Record<string, unknown>>`
    with s as (${scoped(scope)})
    select count(*) as n, regr_slope(ca.satisfaction, ca.empathy_score) as slope,
      regr_intercept(ca.satisfaction, ca.empathy_score) as intercept, corr(ca.satisfaction, ca.empathy_score) as r
    from s join conversation_analyses ca on ca.conversation_id = s.id
    where ca.satisfaction is not null and ca.empathy_score is not null`.execute(db);
  const points = await sql<{ conversation_id: string; empathy: number; satisfaction: number }>`
    with s as (${scoped(scope)})
    select s.id as conversation_id, ca.empathy_score as empathy, ca.satisfaction
    from s join conversation_analyses ca on ca.conversation_id = s.id
    where ca.satisfaction is not null and ca.empathy_score is not null
    order by s.created_at desc, s.id
    limit ${MAX_SCATTER_POINTS}`.execute(db);
  const row = fit.rows[0] ?? {};
  return {
    points: points.rows.map((p) => ({
      conversation_id: p.conversation_id,
      empathy: Number(p.empathy),
      satisfaction: Number(p.satisfaction),
    })),
    n: Number(row.n ?? 0),
    slope: num(row.slope),
    intercept: num(row.intercept),
    r: num(row.r),
  };
}

/** How often one agent used one technique in the period's conversations. */
export interface TechniqueUsageRow {
  agent_id: string;
  agent_name: string;
  technique: string;
  count: number;
}

/** Techniques found in agents' replies (`message_analyses.result → agent.techniques[].id`), per agent, busiest agents first. */
export async function loadTechniqueUsage(db: Executor, scope: AnalyticsScope): Promise<TechniqueUsageRow[]> {
  const { rows } = await sql<Record<string, unknown>>`
    with s as (${scoped(scope)}),
    used as (
      select m.sender_id as agent_id, t.value->>'id' as technique
      from s
      join messages m on m.conversation_id = s.id and m.type = 'outgoing' and m.sender_type = 'agent' and m.sender_id is not null
      join message_analyses ma on ma.message_id = m.id
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(ma.result->'agent'->'techniques') = 'array' then ma.result->'agent'->'techniques' else '[]'::jsonb end
      ) as t(value)
    ),
    agents as (
      select agent_id from used group by agent_id order by count(*) desc, agent_id limit ${MAX_AGENTS}
    )
    select u.id as agent_id, u.name as agent_name, used.technique, count(*) as count
    from used join agents a on a.agent_id = used.agent_id join users u on u.id = used.agent_id
    where used.technique is not null
    group by u.id, u.name, used.technique
    order by u.name, u.id, used.technique`.execute(db);
  return rows.map((r) => ({
    agent_id: r.agent_id as string,
    agent_name: r.agent_name as string,
    technique: r.technique as string,
    count: Number(r.count),
  }));
}

/** Emotion turnaround (end sentiment minus the most negative point, 0..2) of every analysed conversation. */
export async function loadTurnarounds(db: Executor, scope: AnalyticsScope): Promise<{ bin: number; count: number }[]> {
  const { rows } = await sql<Record<string, unknown>>`
    with s as (${scoped(scope)})
    select least(greatest(floor(ca.turnaround / 0.2), 0), 9)::int as bin, count(*) as count
    from s join conversation_analyses ca on ca.conversation_id = s.id
    where ca.turnaround is not null
    group by 1 order by 1`.execute(db);
  return rows.map((r) => ({ bin: Number(r.bin), count: Number(r.count) }));
}

/** Conversations whose customer ended angry or that raised a risk signal: their tags, subjects and risks. */
export interface AngryConversationRow {
  id: string;
  subject: string;
  tags: unknown;
  risk: unknown;
  angry: boolean;
}

/** The period's angry or risky conversations (most recent first, at most `MAX_DRIVER_SUBJECTS`). */
export async function listAngryConversations(
  db: Executor,
  scope: AnalyticsScope,
): Promise<{ rows: AngryConversationRow[]; total: number }> {
  const total = await sql<{ n: unknown }>`
    with s as (${scoped(scope)})
    select count(*) as n from s join conversation_analyses ca on ca.conversation_id = s.id
    where ca.last_emotion = 'anger' or jsonb_array_length(case when jsonb_typeof(ca.risk) = 'array' then ca.risk else '[]'::jsonb end) > 0`.execute(
    db,
  );
  const { rows } = await sql<AngryConversationRow>`
    with s as (${scoped(scope)})
    select s.id, s.subject, s.tags, ca.risk, ca.last_emotion = 'anger' as angry
    from s join conversation_analyses ca on ca.conversation_id = s.id
    where ca.last_emotion = 'anger' or jsonb_array_length(case when jsonb_typeof(ca.risk) = 'array' then ca.risk else '[]'::jsonb end) > 0
    order by s.created_at desc, s.id
    limit ${MAX_DRIVER_SUBJECTS}`.execute(db);
  return { rows, total: Number(total.rows[0]?.n ?? 0) };
}
