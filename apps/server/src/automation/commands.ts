import type { Deps } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import { authorize, type Principal } from '../policies/policies.js';
import { writeAudit } from '../repositories/audit.js';
import type { Executor } from '../repositories/jobs.js';
import { dryRun } from './dry-run.js';
import { deleteRuleRow, findRule, insertRule, loadPastConversations, updateRuleRow, type RuleFields, type RuleRow } from './repository.js';
import type { Action, Conditions, RuleInput } from './rules.js';
import type { AutomationEvent } from '../db/schema.js';

type Actor = { principal: Principal; ip: string | undefined };

/** Every id a rule refers to must exist when it is saved (a rule pointing nowhere would fail silently later). */
async function checkReferences(db: Executor, conditions: Conditions | undefined, actions: Action[] | undefined): Promise<void> {
  const missing: string[] = [];
  const exists = async (table: 'users' | 'teams' | 'inboxes' | 'canned_replies' | 'webhooks', id: string, what: string) => {
    const row = await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
    if (!row) missing.push(`${what} ${id}`);
  };
  for (const action of actions ?? []) {
    if (action.type === 'assign') {
      if (action.userId) await exists('users', action.userId, 'user');
      if (action.teamId) await exists('teams', action.teamId, 'team');
    } else if (action.type === 'send_canned_reply') {
      if (action.zh) await exists('canned_replies', action.zh, 'canned reply');
      if (action.en) await exists('canned_replies', action.en, 'canned reply');
    } else if (action.type === 'webhook') {
      await exists('webhooks', action.webhookId, 'webhook');
    }
  }
  for (const condition of conditions?.conditions ?? []) {
    if (condition.type === 'inbox') for (const id of condition.in) await exists('inboxes', id, 'inbox');
    if (condition.type === 'team') for (const id of condition.in) await exists('teams', id, 'team');
  }
  if (missing.length > 0) throw badRequest('unknown_reference', `the rule refers to what does not exist: ${missing.join(', ')}`);
}

export async function createRuleCommand(deps: Deps, actor: Actor, input: RuleInput): Promise<RuleRow> {
  authorize(actor.principal, 'automation.manage');
  return deps.db.kysely.transaction().execute(async (trx) => {
    await checkReferences(trx, input.conditions, input.actions);
    const rule = await insertRule(trx, { ...input, createdBy: actor.principal.kind === 'user' ? actor.principal.id : null });
    await writeAudit(trx, actor.principal, 'automation.rule_created', {
      type: 'automation_rule',
      id: rule.id,
      details: { name: rule.name },
      ip: actor.ip,
    });
    return rule;
  });
}

export async function updateRuleCommand(deps: Deps, actor: Actor, id: string, input: RuleFields): Promise<RuleRow> {
  authorize(actor.principal, 'automation.manage');
  return deps.db.kysely.transaction().execute(async (trx) => {
    if (!(await findRule(trx, id))) throw notFound('rule');
    await checkReferences(trx, input.conditions, input.actions);
    const rule = await updateRuleRow(trx, id, input);
    if (!rule) throw notFound('rule');
    await writeAudit(trx, actor.principal, 'automation.rule_updated', {
      type: 'automation_rule',
      id,
      details: { name: rule.name, fields: Object.keys(input), enabled: rule.enabled },
      ip: actor.ip,
    });
    return rule;
  });
}

export async function deleteRuleCommand(deps: Deps, actor: Actor, id: string): Promise<void> {
  authorize(actor.principal, 'automation.manage');
  await deps.db.kysely.transaction().execute(async (trx) => {
    const before = await findRule(trx, id);
    if (!before || !(await deleteRuleRow(trx, id))) throw notFound('rule');
    await writeAudit(trx, actor.principal, 'automation.rule_deleted', {
      type: 'automation_rule',
      id,
      details: { name: before.name },
      ip: actor.ip,
    });
  });
}

/** Evaluates conditions against the last `limit` conversations; reads only. */
export async function dryRunCommand(
  deps: Deps,
  principal: Principal,
  rule: { event: AutomationEvent; conditions: Conditions },
  limit: number,
): Promise<ReturnType<typeof dryRun>> {
  authorize(principal, 'automation.read');
  const rows = await loadPastConversations(deps.db.kysely, limit);
  return dryRun(rows, rule.event, rule.conditions);
}
