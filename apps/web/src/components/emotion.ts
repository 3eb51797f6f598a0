/** Colours and ordering for customer emotions and risk flags, shared by the inbox, the thread and the chart. */

export const EMOTION_COLORS: Readonly<Record<string, string>> = {
  anger: '#cf1322',
  frustration: '#d4380d',
  anxiety: '#d48806',
  sadness: '#1d39c4',
  confusion: '#531dab',
  satisfaction: '#389e0d',
  neutral: '#8c8c8c',
};

/** Risk flags shown as tags, most serious first. */
export const RISK_FLAGS = ['self_harm', 'threat', 'abuse', 'escalation_threat'] as const;
export type RiskFlag = (typeof RISK_FLAGS)[number];

export const RISK_COLORS: Readonly<Record<RiskFlag, string>> = {
  self_harm: 'magenta',
  threat: 'red',
  abuse: 'volcano',
  escalation_threat: 'orange',
};

/** The emotion's colour, grey for unknown ids. */
export function colorOfEmotion(emotion: string | null | undefined): string {
  return (emotion && EMOTION_COLORS[emotion]) || '#8c8c8c';
}

/** The risk flags among a conversation's signals, most serious first. */
export function pickRiskFlags(risk: readonly string[] | null | undefined): RiskFlag[] {
  if (!risk) return [];
  return RISK_FLAGS.filter((flag) => risk.includes(flag));
}

/** How long the customer has waited, as a number and a unit key for the dictionary (`m`, `h`, `d`). */
export function measureWaiting(since: string | null, now: number): { value: number; unit: 'm' | 'h' | 'd' } | null {
  if (!since) return null;
  const ms = now - Date.parse(since);
  if (!Number.isFinite(ms)) return null;
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return { value: minutes, unit: 'm' };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { value: hours, unit: 'h' };
  return { value: Math.floor(hours / 24), unit: 'd' };
}
