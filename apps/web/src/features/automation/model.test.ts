import { describe, expect, it } from 'vitest';
import {
  attributeValue,
  defaultAction,
  defaultCondition,
  emptyRule,
  replaceAt,
  ruleProblems,
  ACTION_TYPES,
  CONDITION_TYPES,
} from './model.js';

describe('automation rule model', () => {
  it('names what is missing before a rule can be saved', () => {
    expect(ruleProblems(emptyRule())).toEqual(['automation.problem.name']);
    const rule = { ...emptyRule(), name: 'x' };
    expect(ruleProblems(rule)).toEqual([]);
    expect(ruleProblems({ ...rule, actions: [] })).toEqual(['automation.problem.noAction']);
    expect(ruleProblems({ ...rule, conditions: { match: 'all', conditions: [defaultCondition('text')] } })).toEqual([
      'automation.problem.condition',
    ]);
    expect(ruleProblems({ ...rule, actions: [defaultAction('assign'), defaultAction('send_canned_reply')] })).toEqual([
      'automation.problem.action',
    ]);
    const hours = defaultCondition('business_hours');
    if (hours.type !== 'business_hours') throw new Error('type');
    const bad = { ...hours, schedule: { ...hours.schedule, days: { mon: [{ start: '18:00', end: '09:00' }] } } };
    expect(ruleProblems({ ...rule, conditions: { match: 'all', conditions: [bad] } })).toEqual(['automation.problem.hours']);
    expect(ruleProblems({ ...rule, conditions: { match: 'all', conditions: [hours] } })).toEqual([]);
    const attribute = { type: 'attribute' as const, key: 'tier', op: 'exists' as const };
    expect(ruleProblems({ ...rule, conditions: { match: 'all', conditions: [attribute] } })).toEqual([]);
  });

  it('gives every condition and action type a default of its own type', () => {
    for (const type of CONDITION_TYPES) expect(defaultCondition(type).type).toBe(type);
    for (const type of ACTION_TYPES) expect(defaultAction(type).type).toBe(type);
  });

  it('types attribute values and replaces list items', () => {
    expect(attributeValue('gte', '10')).toBe(10);
    expect(attributeValue('eq', '10')).toBe('10');
    expect(attributeValue('lte', 'abc')).toBe('abc');
    expect(replaceAt([1, 2, 3], 1, 9)).toEqual([1, 9, 3]);
  });
});
