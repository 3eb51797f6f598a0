import type { ActionOutcome, FiringRow, RuleRow } from './repository.js';

export function presentRule(r: RuleRow) {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    event: r.event,
    conditions: r.conditions,
    actions: r.actions,
    position: r.position,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function presentFiring(f: FiringRow) {
  return {
    id: f.id,
    ruleId: f.rule_id,
    ruleName: f.rule_name,
    conversationId: f.conversation_id,
    messageId: f.message_id,
    event: f.event,
    actions: f.actions as ActionOutcome[],
    createdAt: f.created_at.toISOString(),
  };
}
