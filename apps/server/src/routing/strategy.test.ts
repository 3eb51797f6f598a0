import { describe, expect, it } from 'vitest';
import { decideAssignee, isUpset, languagesOf, pickRoundRobin, type Candidate, type QueueSettings, type RoutingCase } from './strategy.js';

const agent = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  role: 'agent',
  presence: 'online',
  capacity: 3,
  load: 0,
  skills: [],
  languages: ['zh'],
  turnaround: null,
  turnaroundCount: 0,
  recentAbuse: false,
  ...over,
});

const settings = (over: Partial<QueueSettings> = {}): QueueSettings => ({
  strategy: 'least_busy',
  fallback: 'least_busy',
  requiredSkills: [],
  matchLanguage: true,
  continuity: true,
  emotionAware: true,
  angerThreshold: 0.6,
  escalateToSupervisor: true,
  lastAssignedId: null,
  ...over,
});

const calm: RoutingCase = { language: 'zh', emotion: 'neutral', intensity: 0.1, signals: [], previousAgentId: null, topics: [] };
const angry: RoutingCase = { ...calm, emotion: 'anger', intensity: 0.9 };

describe('decideAssignee', () => {
  it('least busy takes the fewest open conversations and skips full, away and offline agents', () => {
    const agents = [
      agent('a', { load: 2 }),
      agent('b', { load: 1 }),
      agent('c', { load: 0, presence: 'away' }),
      agent('d', { load: 0, presence: 'offline' }),
      agent('e', { load: 3, capacity: 3 }),
    ];
    expect(decideAssignee(settings(), agents, [], calm)).toMatchObject({ assigneeId: 'b', reason: 'least_busy' });
    expect(decideAssignee(settings(), [agent('x', { load: 3, capacity: 3 })], [], calm)).toMatchObject({
      assigneeId: null,
      reason: 'nobody_available',
    });
  });

  it('round robin goes to the next agent after the last one, wrapping round', () => {
    const agents = [agent('a'), agent('b', { load: 2 }), agent('c')];
    expect(decideAssignee(settings({ strategy: 'round_robin' }), agents, [], calm).assigneeId).toBe('a');
    expect(decideAssignee(settings({ strategy: 'round_robin', lastAssignedId: 'a' }), agents, [], calm).assigneeId).toBe('b');
    expect(decideAssignee(settings({ strategy: 'round_robin', lastAssignedId: 'c' }), agents, [], calm).assigneeId).toBe('a');
    // The last assignee went offline: the cursor still moves on.
    expect(pickRoundRobin([agent('a'), agent('c')], 'b')?.id).toBe('c');
  });

  it('skills needs every required skill, prefers the conversation topics, falls back as configured', () => {
    const agents = [agent('a', { skills: ['billing'] }), agent('b', { skills: ['billing', 'refunds'], load: 1 }), agent('c')];
    const skills = settings({ strategy: 'skills', requiredSkills: ['billing'] });
    expect(decideAssignee(skills, agents, [], calm)).toMatchObject({ assigneeId: 'a', reason: 'skills' });
    expect(decideAssignee(skills, agents, [], { ...calm, topics: ['refunds'] })).toMatchObject({ assigneeId: 'b', reason: 'skills' });
    const rare = settings({ strategy: 'skills', requiredSkills: ['legal'] });
    expect(decideAssignee(rare, agents, [], calm)).toMatchObject({ assigneeId: 'a', reason: 'fallback_least_busy' });
    expect(decideAssignee({ ...rare, fallback: 'none' }, agents, [], calm)).toMatchObject({ assigneeId: null });
    expect(decideAssignee({ ...rare, fallback: 'round_robin', lastAssignedId: 'a' }, agents, [], calm)).toMatchObject({
      assigneeId: 'b',
      reason: 'fallback_round_robin',
    });
  });

  it('prefers agents who speak the customer language, but does not leave the customer waiting for one', () => {
    const agents = [agent('a'), agent('b', { languages: ['en'], load: 2 })];
    expect(decideAssignee(settings(), agents, [], { ...calm, language: 'en' }).assigneeId).toBe('b');
    expect(decideAssignee(settings({ matchLanguage: false }), agents, [], { ...calm, language: 'en' }).assigneeId).toBe('a');
    expect(decideAssignee(settings(), [agent('a')], [], { ...calm, language: 'en' }).assigneeId).toBe('a');
  });

  it('continuity sends a returning customer to the agent who helped last when available', () => {
    const agents = [agent('a'), agent('b', { load: 2 })];
    expect(decideAssignee(settings(), agents, [], { ...calm, previousAgentId: 'b' })).toMatchObject({
      assigneeId: 'b',
      reason: 'continuity',
    });
    const full = [agent('a'), agent('b', { load: 3 })];
    expect(decideAssignee(settings(), full, [], { ...calm, previousAgentId: 'b' }).reason).toBe('least_busy');
    expect(decideAssignee(settings({ continuity: false }), agents, [], { ...calm, previousAgentId: 'b' }).assigneeId).toBe('a');
  });

  it('sends an angry customer to the best turnaround, never to an agent who just handled abuse', () => {
    const agents = [
      agent('a', { turnaround: 0.4, turnaroundCount: 5 }),
      agent('b', { turnaround: 1.2, turnaroundCount: 4, load: 2 }),
      agent('c', { turnaround: 1.6, turnaroundCount: 6, recentAbuse: true }),
      agent('d'),
    ];
    const decision = decideAssignee(settings(), agents, [], angry);
    expect(decision).toMatchObject({ assigneeId: 'b', reason: 'emotion', upset: true, excludedForAbuse: ['c'] });
    // The abuse exclusion also overrides continuity for an upset customer.
    expect(decideAssignee(settings(), agents, [], { ...angry, previousAgentId: 'c' }).assigneeId).toBe('b');
    // A calm customer may go to the agent back from an abusive contact.
    expect(decideAssignee(settings(), agents, [], { ...calm, previousAgentId: 'c' }).assigneeId).toBe('c');
    // Emotion-aware routing off: plain least busy.
    expect(decideAssignee(settings({ emotionAware: false }), agents, [], angry).assigneeId).toBe('a');
  });

  it('an escalation threat counts as upset; with no agent free it goes to a supervisor', () => {
    const threat: RoutingCase = { ...calm, signals: ['escalation_threat'] };
    expect(isUpset(settings(), threat)).toBe(true);
    expect(isUpset(settings(), { ...calm, emotion: 'anger', intensity: 0.3 })).toBe(false);
    const agents = [agent('a', { recentAbuse: true })];
    const supervisors = [agent('s1', { role: 'supervisor', load: 1 }), agent('s2', { role: 'supervisor' })];
    expect(decideAssignee(settings(), agents, supervisors, threat)).toMatchObject({ assigneeId: 's2', reason: 'emotion_supervisor' });
    expect(decideAssignee(settings({ escalateToSupervisor: false }), agents, supervisors, threat)).toMatchObject({
      assigneeId: null,
      reason: 'nobody_available',
    });
  });
});

describe('languagesOf', () => {
  it('reads language skills, else the locale', () => {
    expect(languagesOf(['english', 'billing'], 'zh-CN')).toEqual(['en']);
    expect(languagesOf(['zh', 'EN'], 'zh-CN')).toEqual(['zh', 'en']);
    expect(languagesOf([], 'en')).toEqual(['en']);
    expect(languagesOf(['billing'], 'zh-CN')).toEqual(['zh']);
  });
});
