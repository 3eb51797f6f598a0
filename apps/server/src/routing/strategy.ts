import type { Presence, RoutingStrategy } from '../db/schema.js';

/** One member of staff a queue may assign to, with what routing needs to know about them. */
export interface Candidate {
  id: string;
  role: 'agent' | 'supervisor' | 'qa' | 'admin';
  presence: Presence;
  capacity: number;
  /** Open and pending conversations assigned now. */
  load: number;
  skills: readonly string[];
  /** Languages spoken (from skills `zh`/`en` and the user's locale). */
  languages: readonly string[];
  /** Mean emotion turnaround of their past resolved conversations with an upset customer; null when unmeasured. */
  turnaround: number | null;
  /** How many conversations the turnaround is measured on. */
  turnaroundCount: number;
  /** Handled a conversation with an abuse or threat alert within the queue's cool-down. */
  recentAbuse: boolean;
}

/** The queue's settings as routing uses them. */
export interface QueueSettings {
  strategy: RoutingStrategy;
  fallback: 'round_robin' | 'least_busy' | 'none';
  requiredSkills: readonly string[];
  matchLanguage: boolean;
  continuity: boolean;
  emotionAware: boolean;
  angerThreshold: number;
  escalateToSupervisor: boolean;
  lastAssignedId: string | null;
}

/** The customer being routed. */
export interface RoutingCase {
  language: string | null;
  emotion: string | null;
  intensity: number | null;
  signals: readonly string[];
  /** Who handled this customer's previous conversation. */
  previousAgentId: string | null;
  /** Topics of the conversation (its tags): the skills strategy prefers agents with these skills. */
  topics: readonly string[];
}

export type DecisionReason =
  | 'continuity'
  | 'emotion'
  | 'emotion_supervisor'
  | 'round_robin'
  | 'least_busy'
  | 'skills'
  | 'fallback_round_robin'
  | 'fallback_least_busy'
  | 'nobody_available';

export interface Decision {
  assigneeId: string | null;
  reason: DecisionReason;
  /** The customer counted as upset (angry enough or threatening escalation). */
  upset: boolean;
  /** Candidates left out because they just handled an abusive contact. */
  excludedForAbuse: string[];
}

/** Emotions that count as anger for emotion-aware routing (frustration is anger's milder sibling). */
const ANGRY = new Set(['anger', 'frustration']);
const ESCALATING = new Set(['escalation_threat', 'threat', 'manager_request']);

/** Whether the customer needs the best de-escalators: strong anger, or a threat to escalate. */
export function isUpset(settings: Pick<QueueSettings, 'angerThreshold'>, kase: RoutingCase): boolean {
  const angry = kase.emotion !== null && ANGRY.has(kase.emotion) && (kase.intensity ?? 0) >= settings.angerThreshold;
  return angry || kase.signals.some((signal) => ESCALATING.has(signal));
}

const available = (c: Candidate): boolean => c.presence === 'online' && c.load < c.capacity;
const byId = (a: Candidate, b: Candidate): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Fewest open conversations first, then the most room left, then a stable order. */
export function pickLeastBusy(candidates: readonly Candidate[]): Candidate | undefined {
  return [...candidates].sort((a, b) => a.load - b.load || a.load / a.capacity - b.load / b.capacity || byId(a, b))[0];
}

/** The next candidate after the queue's last assignee, in a stable (id) order, wrapping round. */
export function pickRoundRobin(candidates: readonly Candidate[], lastAssignedId: string | null): Candidate | undefined {
  const ordered = [...candidates].sort(byId);
  if (lastAssignedId === null) return ordered[0];
  return ordered.find((c) => c.id > lastAssignedId) ?? ordered[0];
}

/** Most of the conversation's topics among their skills first, then least busy. */
export function pickBestSkilled(candidates: readonly Candidate[], topics: readonly string[]): Candidate | undefined {
  const covered = (c: Candidate): number => topics.filter((topic) => c.skills.includes(topic)).length;
  const best = Math.max(0, ...candidates.map(covered));
  return pickLeastBusy(candidates.filter((c) => covered(c) === best));
}

/** Best measured turnaround first (unmeasured last), then least busy. */
export function pickBestTurnaround(candidates: readonly Candidate[]): Candidate | undefined {
  return [...candidates].sort((a, b) => {
    if (a.turnaround !== b.turnaround) {
      if (a.turnaround === null) return 1;
      if (b.turnaround === null) return -1;
      return b.turnaround - a.turnaround;
    }
    return a.load - b.load || byId(a, b);
  })[0];
}

/** Keeps those who speak the customer's language, unless nobody available does (then language is not a bar). */
function preferLanguage(candidates: Candidate[], settings: QueueSettings, language: string | null): Candidate[] {
  if (!settings.matchLanguage || (language !== 'zh' && language !== 'en')) return candidates;
  const speakers = candidates.filter((c) => c.languages.includes(language));
  return speakers.length > 0 ? speakers : candidates;
}

/**
 * Decides who gets a new conversation. Pure: the caller loads the candidates and the customer's state.
 * Order: continuity (the agent who helped last, if available), then for an upset customer the available agent with the
 * best emotion turnaround (or an available supervisor) — never one who just handled abuse — then the queue's strategy.
 * @example
 * decideAssignee(settings, agents, supervisors, { language: 'zh', emotion: 'anger', intensity: 0.9, signals: [], previousAgentId: null });
 */
export function decideAssignee(
  settings: QueueSettings,
  agents: readonly Candidate[],
  supervisors: readonly Candidate[],
  kase: RoutingCase,
): Decision {
  const upset = settings.emotionAware && isUpset(settings, kase);
  const excludedForAbuse = upset ? agents.filter((c) => c.recentAbuse && available(c)).map((c) => c.id) : [];
  const pool = agents.filter((c) => available(c) && !(upset && c.recentAbuse));
  const decide = (assignee: Candidate | undefined, reason: DecisionReason): Decision | undefined =>
    assignee ? { assigneeId: assignee.id, reason, upset, excludedForAbuse } : undefined;

  if (settings.continuity && kase.previousAgentId) {
    const previous = pool.find((c) => c.id === kase.previousAgentId);
    const found = decide(previous, 'continuity');
    if (found) return found;
  }
  const speakers = preferLanguage(pool, settings, kase.language);
  if (upset) {
    const found =
      decide(pickBestTurnaround(speakers), 'emotion') ??
      (settings.escalateToSupervisor
        ? decide(pickLeastBusy(supervisors.filter((c) => available(c) && !c.recentAbuse)), 'emotion_supervisor')
        : undefined);
    if (found) return found;
  }
  if (settings.strategy === 'skills') {
    const skilled = speakers.filter((c) => settings.requiredSkills.every((skill) => c.skills.includes(skill)));
    const found = decide(pickBestSkilled(skilled, kase.topics), 'skills');
    if (found) return found;
    if (settings.fallback === 'round_robin')
      return decide(pickRoundRobin(speakers, settings.lastAssignedId), 'fallback_round_robin') ?? none();
    if (settings.fallback === 'least_busy') return decide(pickLeastBusy(speakers), 'fallback_least_busy') ?? none();
    return none();
  }
  const picked = settings.strategy === 'round_robin' ? pickRoundRobin(speakers, settings.lastAssignedId) : pickLeastBusy(speakers);
  return decide(picked, settings.strategy) ?? none();

  function none(): Decision {
    return { assigneeId: null, reason: 'nobody_available', upset, excludedForAbuse };
  }
}

/**
 * The languages a member of staff serves in: skills `zh` / `en` (or `chinese` / `english`), else their UI locale.
 * @example
 * languagesOf(['english', 'billing'], 'zh-CN'); // ['en']
 */
export function languagesOf(skills: readonly string[], locale: string): string[] {
  const languages = new Set<string>();
  for (const skill of skills.map((s) => s.toLowerCase())) {
    if (skill === 'zh' || skill === 'chinese' || skill === '中文') languages.add('zh');
    if (skill === 'en' || skill === 'english' || skill === '英文' || skill === '英语') languages.add('en');
  }
  if (languages.size === 0) languages.add(locale.toLowerCase().startsWith('en') ? 'en' : 'zh');
  return [...languages];
}
