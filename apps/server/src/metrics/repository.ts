import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../repositories/jobs.js';

/** How metric rows are grouped: by the conversation's assignee, its team, or the local day it was created. */
export type GroupBy = 'agent' | 'team' | 'day';

/** Which conversations a metrics query reads: created in [from, to), optionally narrowed. */
export interface MetricsScope {
  from: Date;
  to: Date;
  /** IANA time zone the `day` grouping uses. */
  timeZone: string;
  groupBy: GroupBy;
  teamId?: string | undefined;
  /** Only conversations assigned to this agent. */
  agentId?: string | undefined;
  /** Only conversations of these teams (a supervisor's); 'all' for no restriction. */
  teamIds: readonly string[] | 'all';
}

/** Days after its (first) resolution in which a new conversation on the same topic means the first was not resolved. */
export const FCR_DAYS = 7;
/** Customer risk signals that count as abusive contact for an agent's exposure. */
export const ABUSE_SIGNALS = ['abuse', 'threat'] as const;

/** One group's sums as SQL computes them (the row whose `total` is true covers the whole scope). */
export interface MetricSums {
  key: string | null;
  total: boolean;
  conversations: number;
  resolved: number;
  /** Resolved conversations never reopened (candidates for first-contact resolution before the topic check). */
  resolved_once: number;
  csat_sum: number;
  csat_responses: number;
  first_response_median_s: number | null;
  first_response_p90_s: number | null;
  handle_median_s: number | null;
  handle_p90_s: number | null;
  empathy_sum: number;
  empathy_n: number;
  turnaround_eligible: number;
  turned_around: number;
  abusive: number;
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function keyOf(scope: MetricsScope): RawBuilder<unknown> {
  switch (scope.groupBy) {
    case 'agent':
      return sql`c.assignee_id::text`;
    case 'team':
      return sql`c.team_id::text`;
    case 'day':
      return sql`to_char(c.created_at at time zone ${scope.timeZone}, 'YYYY-MM-DD')`;
  }
}

/**
 * The scope's conversations with their group key, whether they are resolved, when they were first resolved (the
 * first `status:resolved` activity, else `resolved_at`) and whether they stayed resolved. A customer message on a
 * resolved conversation reopens it (see `commands/messages.ts`), so a conversation resolved now that was ever
 * reopened has more than one `status:resolved` activity: that count is the reopen test (one read of a small partial
 * index instead of every message).
 */
function facts(scope: MetricsScope): RawBuilder<unknown> {
  const teams =
    scope.teamIds === 'all'
      ? sql``
      : scope.teamIds.length === 0
        ? sql`and false`
        : sql`and c.team_id in (${sql.join(scope.teamIds.map((id) => sql`${id}::uuid`))})`;
  return sql`
    s as (
      select c.id, c.customer_id, c.subject, c.tags, c.created_at, c.first_response_at, c.resolved_at, ${keyOf(scope)} as key,
        (c.status = 'resolved' and c.resolved_at is not null) as is_resolved
      from conversations c
      where c.created_at >= ${scope.from} and c.created_at < ${scope.to}
        ${scope.teamId ? sql`and c.team_id = ${scope.teamId}` : sql``}
        ${scope.agentId ? sql`and c.assignee_id = ${scope.agentId}` : sql``}
        ${teams}
    ),
    a as (
      select m.conversation_id, count(*) as resolutions, min(m.created_at) as first_resolved_at
      from messages m
      where m.type = 'activity' and m.metadata->'changes' ? 'status:resolved' and m.conversation_id in (select id from s where is_resolved)
      group by m.conversation_id
    ),
    f as (
      select s.*, case when s.is_resolved then coalesce(a.first_resolved_at, s.resolved_at) end as first_resolved_at,
        s.is_resolved and coalesce(a.resolutions, 0) <= 1 as resolved_once
      from s left join a on a.conversation_id = s.id
    )`;
}

/**
 * Per group and for the whole scope: conversations, resolutions, CSAT survey answers, first response and handle time
 * percentiles, empathy, emotion turnaround and abusive contacts.
 * @example
 * const sums = await loadMetricSums(db, { from, to, timeZone: 'Asia/Shanghai', groupBy: 'agent', teamIds: 'all' });
 */
export async function loadMetricSums(db: Executor, scope: MetricsScope): Promise<MetricSums[]> {
  const firstResponse = sql`extract(epoch from (f.first_response_at - f.created_at))`;
  const handle = sql`case when f.is_resolved then extract(epoch from (f.resolved_at - f.created_at)) end`;
  const { rows } = await sql<Record<string, unknown>>`
    with ${facts(scope)}
    select f.key, grouping(f.key) = 1 as total,
      count(*) as conversations,
      count(*) filter (where f.is_resolved) as resolved,
      count(*) filter (where f.resolved_once) as resolved_once,
      coalesce(sum(cs.rating), 0) as csat_sum,
      count(cs.rating) as csat_responses,
      percentile_cont(0.5) within group (order by ${firstResponse}) as first_response_median_s,
      percentile_cont(0.9) within group (order by ${firstResponse}) as first_response_p90_s,
      percentile_cont(0.5) within group (order by ${handle}) as handle_median_s,
      percentile_cont(0.9) within group (order by ${handle}) as handle_p90_s,
      coalesce(sum(ca.empathy_score), 0) as empathy_sum,
      count(ca.empathy_score) as empathy_n,
      count(*) filter (where ca.peak_sentiment < 0) as turnaround_eligible,
      count(*) filter (where ca.peak_sentiment < 0 and ca.turnaround > 0) as turned_around,
      count(*) filter (where ca.risk ?| array[${sql.join(ABUSE_SIGNALS.map((s) => sql`${s}`))}]::text[]) as abusive
    from f
      left join conversation_analyses ca on ca.conversation_id = f.id
      left join csat_surveys cs on cs.conversation_id = f.id and cs.rating is not null
    group by grouping sets ((f.key), ())`.execute(db);
  return rows.map((r) => ({
    key: (r.key as string | null) ?? null,
    total: r.total === true || r.total === 't',
    conversations: Number(r.conversations),
    resolved: Number(r.resolved),
    resolved_once: Number(r.resolved_once),
    csat_sum: Number(r.csat_sum),
    csat_responses: Number(r.csat_responses),
    first_response_median_s: num(r.first_response_median_s),
    first_response_p90_s: num(r.first_response_p90_s),
    handle_median_s: num(r.handle_median_s),
    handle_p90_s: num(r.handle_p90_s),
    empathy_sum: Number(r.empathy_sum),
    empathy_n: Number(r.empathy_n),
    turnaround_eligible: Number(r.turnaround_eligible),
    turned_around: Number(r.turned_around),
    abusive: Number(r.abusive),
  }));
}

/** A resolved, never reopened conversation and a later one of the same customer inside the FCR window. */
export interface RepeatCandidate {
  id: string;
  key: string | null;
  subject: string;
  tags: unknown;
  next_id: string;
  next_subject: string;
  next_tags: unknown;
}

/**
 * Pairs for the repeat-contact check: each resolved, never reopened conversation in scope with every later
 * conversation of the same customer created before `FCR_DAYS` after its first resolution (in scope or not).
 */
export async function listRepeatCandidates(db: Executor, scope: MetricsScope): Promise<RepeatCandidate[]> {
  const { rows } = await sql<RepeatCandidate>`
    with ${facts(scope)}
    select f.id, f.key, f.subject, f.tags, n.id as next_id, n.subject as next_subject, n.tags as next_tags
    from f join conversations n on n.customer_id = f.customer_id and n.id <> f.id
      and n.created_at > f.created_at and n.created_at <= f.first_resolved_at + make_interval(days => ${FCR_DAYS})
    where f.resolved_once
    order by f.id, n.created_at`.execute(db);
  return rows;
}

/** Display names of users or teams by id. */
export async function loadNames(db: Executor, kind: 'agent' | 'team', ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows =
    kind === 'agent'
      ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute()
      : await db.selectFrom('teams').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The team's name, or undefined when there is no such team. */
export async function findTeamName(db: Executor, teamId: string): Promise<string | undefined> {
  return (await db.selectFrom('teams').select('name').where('id', '=', teamId).executeTakeFirst())?.name;
}
