import type { Analyzer } from '@tongli/engine';
import type { Deps } from '../../deps.js';
import { AppError, badRequest, notFound } from '../../errors.js';
import { loadVisibleConversation } from '../../commands/conversations.js';
import { authorize, type Principal } from '../../policies/policies.js';
import { writeAudit } from '../../repositories/audit.js';
import { isUniqueViolation } from '../../commands/messages.js';
import {
  deleteCannedReplyRow,
  findCannedReply,
  insertCannedReply,
  insertCannedUse,
  loadRenderContext,
  updateCannedReplyRow,
  type CannedReplyRow,
} from '../repositories/canned.js';

/** The variables a canned reply may use; anything else is rejected when it is saved. */
export const CANNED_VARIABLES = [
  'customer.name',
  'customer.email',
  'customer.phone',
  'agent.name',
  'agent.email',
  'conversation.id',
  'conversation.subject',
  'inbox.name',
] as const;

const VARIABLE = /\{\{\s*([a-z_]+(?:\.[a-z_]+)*)\s*\}\}/g;

/**
 * The distinct `{{variables}}` in a body, in order of first use.
 * @example
 * variablesOf('您好 {{customer.name}}，我是{{ agent.name }}'); // ['customer.name', 'agent.name']
 */
export function variablesOf(body: string): string[] {
  return [...new Set([...body.matchAll(VARIABLE)].map((match) => match[1]!))];
}

/** Blanks the agent fills in by hand (`{{fill.summary}}`): never filled from records, so sending waits for them. */
const AGENT_BLANK = /^fill\.[a-z_]+$/;

function checkVariables(body: string): void {
  const unknown = variablesOf(body).filter((name) => !(CANNED_VARIABLES as readonly string[]).includes(name) && !AGENT_BLANK.test(name));
  if (unknown.length > 0) {
    throw badRequest(
      'unknown_variable',
      `unknown variable ${unknown.map((v) => `{{${v}}}`).join(', ')}; use ${CANNED_VARIABLES.join(', ')}, or fill.<name> for a blank the agent fills in`,
    );
  }
}

/**
 * Fills `{{variables}}`; a variable with no value stays as written and is listed in `missing`.
 * @example
 * fillTemplate('Hi {{customer.name}}', { 'customer.name': '' }); // { body: 'Hi {{customer.name}}', missing: ['customer.name'] }
 */
export function fillTemplate(body: string, values: Partial<Record<string, string>>): { body: string; missing: string[] } {
  const missing = new Set<string>();
  const filled = body.replace(VARIABLE, (whole, name: string) => {
    const value = values[name];
    if (value === undefined || value.trim() === '') {
      missing.add(name);
      return whole;
    }
    return value;
  });
  return { body: filled, missing: [...missing] };
}

const conflict = (error: unknown): never => {
  if (isUniqueViolation(error)) throw new AppError('short_code_taken', 409, 'another canned reply uses this short code');
  throw error;
};

type Actor = { principal: Principal; ip: string | undefined };

export async function createCannedReplyCommand(
  deps: Deps,
  actor: Actor,
  input: { shortCode: string; title: string; body: string; locale: string },
): Promise<CannedReplyRow> {
  checkVariables(input.body);
  return insertCannedReply(deps.db.kysely, { ...input, createdBy: actor.principal.kind === 'user' ? actor.principal.id : null }).catch(
    conflict,
  );
}

export async function updateCannedReplyCommand(
  deps: Deps,
  id: string,
  input: { shortCode?: string | undefined; title?: string | undefined; body?: string | undefined; locale?: string | undefined },
): Promise<CannedReplyRow> {
  if (input.body !== undefined) checkVariables(input.body);
  const row = await updateCannedReplyRow(deps.db.kysely, id, input).catch(conflict);
  if (!row) throw notFound('canned reply');
  return row;
}

export async function deleteCannedReplyCommand(deps: Deps, actor: Actor, id: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const before = await findCannedReply(trx, id);
    if (!before || !(await deleteCannedReplyRow(trx, id))) throw notFound('canned reply');
    await writeAudit(trx, actor.principal, 'canned.deleted', {
      type: 'canned_reply',
      id,
      details: { shortCode: before.short_code },
      ip: actor.ip,
    });
  });
}

/**
 * Renders a canned reply for a conversation the caller may see: customer from the conversation, agent = the caller
 * (for API tokens, the assignee).
 */
export async function renderCannedReply(
  deps: Deps,
  principal: Principal,
  id: string,
  conversationId: string,
): Promise<{ body: string; missing: string[] }> {
  const reply = await findCannedReply(deps.db.kysely, id);
  if (!reply) throw notFound('canned reply');
  const conversation = await loadVisibleConversation(deps.db.kysely, principal, conversationId);
  const agentId = principal.kind === 'user' ? principal.id : conversation.assignee_id;
  const { customer, agent, inbox } = await loadRenderContext(deps.db.kysely, conversation, agentId);
  const identity = (kind: string) => customer?.identities.find((i) => i.kind === kind)?.value;
  return fillTemplate(reply.body, {
    'customer.name': customer?.name,
    'customer.email': identity('email'),
    'customer.phone': identity('phone'),
    'agent.name': agent?.name,
    'agent.email': agent?.email,
    'conversation.id': conversation.id,
    'conversation.subject': conversation.subject,
    'inbox.name': inbox?.name,
  });
}

/** What the engine finds in a canned reply's text, as the editor shows it. */
export interface TemplateAnalysis {
  /** True when the template holds a harmful technique (e.g. `non_apology`): it is flagged in the editor. */
  flagged: boolean;
  /** The harmful techniques found, each once. */
  harmful: string[];
  techniques: { id: string; polarity: 'good' | 'harmful' | 'neutral'; start: number; end: number; text: string }[];
}

/**
 * Analyses a template as an agent reply (with the organisation's guidelines), so a template that apologises without
 * owning anything (`non_apology`) or says a blunt no is flagged where it is written rather than in every reply that
 * uses it. The `{{variables}}` are the template's placeholders, not unfilled text: findings inside them are dropped.
 * @example
 * analyzeTemplate(deps.engine.analyzer, '给您带来的不便我深表歉意').harmful; // ['non_apology']
 */
export function analyzeTemplate(analyzer: Pick<Analyzer, 'analyzeAgent'>, body: string): TemplateAnalysis {
  const variables = [...body.matchAll(VARIABLE)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const inVariable = (start: number, end: number): boolean => variables.some((v) => start >= v.start && end <= v.end);
  const techniques = analyzer
    .analyzeAgent(body)
    .techniques.filter((t) => !inVariable(t.span.start, t.span.end))
    .map((t) => ({ id: t.id, polarity: t.polarity, start: t.span.start, end: t.span.end, text: t.text }));
  const harmful = [...new Set(techniques.filter((t) => t.polarity === 'harmful').map((t) => t.id))];
  return { flagged: harmful.length > 0, harmful, techniques };
}

/**
 * Records that a canned reply went out in a reply on a conversation the caller may see (the composer reports it after
 * the message is stored); the usage statistics count these.
 */
export async function recordCannedUse(deps: Deps, principal: Principal, id: string, conversationId: string): Promise<void> {
  authorize(principal, 'conversation.write');
  const reply = await findCannedReply(deps.db.kysely, id);
  if (!reply) throw notFound('canned reply');
  await loadVisibleConversation(deps.db.kysely, principal, conversationId);
  await insertCannedUse(deps.db.kysely, { cannedReplyId: id, userId: principal.kind === 'user' ? principal.id : null, conversationId });
}
