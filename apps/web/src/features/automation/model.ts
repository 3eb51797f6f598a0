import type { Action, Condition, RuleInput, Rule, Weekday, WeeklySchedule } from './api.js';

export const CONDITION_TYPES = [
  'emotion',
  'intensity',
  'risk',
  'text',
  'channel',
  'inbox',
  'team',
  'tag',
  'priority',
  'status',
  'language',
  'direction',
  'attribute',
  'business_hours',
] as const satisfies readonly Condition['type'][];

export const ACTION_TYPES = [
  'assign',
  'add_tag',
  'set_priority',
  'send_canned_reply',
  'notify_supervisor',
  'webhook',
] as const satisfies readonly Action['type'][];

export const EMOTIONS = ['anger', 'frustration', 'anxiety', 'sadness', 'confusion', 'satisfaction', 'neutral'] as const;
export const SIGNALS = [
  'abuse',
  'threat',
  'escalation_threat',
  'self_harm',
  'repeat_yourself',
  'repeat_contact',
  'sarcasm',
  'manager_request',
  'churn_risk',
] as const;
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Monday to Friday, 09:00–18:00, Shanghai time. */
export function defaultSchedule(): WeeklySchedule {
  const day = [{ start: '09:00', end: '18:00' }];
  return { timezone: 'Asia/Shanghai', days: { mon: day, tue: day, wed: day, thu: day, fri: day } };
}

/** A new condition of a type, with sensible starting values. */
export function defaultCondition(type: Condition['type']): Condition {
  switch (type) {
    case 'channel':
      return { type, in: ['web'] };
    case 'inbox':
    case 'team':
      return { type, in: [] };
    case 'text':
      return { type, contains: [] };
    case 'emotion':
      return { type, in: ['anger'], minIntensity: 0.6 };
    case 'intensity':
      return { type, min: 0.6 };
    case 'risk':
      return { type, any: ['escalation_threat'] };
    case 'tag':
      return { type, any: [] };
    case 'priority':
      return { type, in: ['urgent'] };
    case 'status':
      return { type, in: ['open'] };
    case 'language':
      return { type, in: ['zh'] };
    case 'direction':
      return { type, in: ['incoming'] };
    case 'attribute':
      return { type, key: '', op: 'eq', value: '' };
    case 'business_hours':
      return { type, inside: false, schedule: defaultSchedule() };
  }
}

export function defaultAction(type: Action['type']): Action {
  switch (type) {
    case 'assign':
      return { type };
    case 'add_tag':
      return { type, tags: [] };
    case 'set_priority':
      return { type, priority: 'high' };
    case 'send_canned_reply':
      return { type };
    case 'notify_supervisor':
      return { type, severity: 'warning' };
    case 'webhook':
      return { type, webhookId: '' };
  }
}

export function emptyRule(): RuleInput {
  return {
    name: '',
    enabled: true,
    event: 'message.analyzed',
    conditions: { match: 'all', conditions: [defaultCondition('emotion')] },
    actions: [defaultAction('notify_supervisor')],
  };
}

export function toRuleInput(rule: Rule): RuleInput {
  return { name: rule.name, enabled: rule.enabled, event: rule.event, conditions: rule.conditions, actions: rule.actions };
}

const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/**
 * What is missing before a rule can be saved, as i18n keys (`automation.problem.*`); empty when it is complete.
 * @example
 * ruleProblems(emptyRule()); // ['automation.problem.name']
 */
export function ruleProblems(rule: RuleInput): string[] {
  const problems = new Set<string>();
  if (rule.name.trim() === '') problems.add('automation.problem.name');
  if (rule.actions.length === 0) problems.add('automation.problem.noAction');
  for (const c of rule.conditions.conditions) {
    const empty =
      ((c.type === 'channel' || c.type === 'inbox' || c.type === 'team' || c.type === 'emotion' || c.type === 'priority') &&
        c.in.length === 0) ||
      ((c.type === 'status' || c.type === 'language' || c.type === 'direction') && c.in.length === 0) ||
      (c.type === 'text' && c.contains.length === 0) ||
      (c.type === 'risk' && c.any.length === 0) ||
      (c.type === 'tag' && (c.any ?? []).length === 0 && (c.none ?? []).length === 0) ||
      (c.type === 'intensity' && c.min === undefined && c.max === undefined) ||
      (c.type === 'attribute' && (c.key.trim() === '' || (c.op !== 'exists' && (c.value === undefined || c.value === ''))));
    if (empty) problems.add('automation.problem.condition');
    if (c.type === 'business_hours') {
      const intervals = Object.values(c.schedule.days).flat();
      if (c.schedule.timezone.trim() === '' || intervals.some((i) => !TIME.test(i.start) || !TIME.test(i.end) || i.start >= i.end)) {
        problems.add('automation.problem.hours');
      }
    }
  }
  for (const a of rule.actions) {
    const empty =
      (a.type === 'assign' && !a.userId && !a.teamId) ||
      (a.type === 'add_tag' && a.tags.length === 0) ||
      (a.type === 'send_canned_reply' && !a.zh && !a.en) ||
      (a.type === 'webhook' && a.webhookId.trim() === '');
    if (empty) problems.add('automation.problem.action');
  }
  return [...problems];
}

/**
 * An attribute condition's value as typed: numbers for at least / at most, text otherwise.
 * @example
 * attributeValue('gte', '10'); // 10
 */
export function attributeValue(op: string, raw: string): string | number {
  if ((op === 'gte' || op === 'lte') && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

/** Replaces one item of a list (immutable). */
export function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((value, i) => (i === index ? item : value));
}
