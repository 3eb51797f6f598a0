import type { ConversationAnalysis } from '@tongli/engine';
import type { InputDialogue } from '../io/dialogues.js';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The JSON shape of one analysed conversation: ids, per-message emotion, signals and techniques by catalogue id. */
export function presentConversation(input: InputDialogue, a: ConversationAnalysis) {
  return {
    id: a.id,
    agent: input.agent ?? null,
    channel: input.channel ?? null,
    lang: a.lang,
    qa: {
      scorecard: a.scorecard.id,
      total: a.scorecard.total,
      points: a.scorecard.points.map((p) => ({
        criterion: p.criterion,
        weight: p.weight,
        score: p.score,
        applicable: p.applicable,
        reason: p.reason,
        evidence: p.evidence.map((e) => ({ message: e.message, id: e.id, span: e.span })),
      })),
    },
    empathyScore: a.empathyScore,
    satisfaction: a.satisfaction,
    resolved: a.resolved,
    turnaround: a.turnaround,
    peak: a.peak ?? null,
    structure: a.structure,
    promises: a.promises.map((p) => ({ message: p.message, due: p.due, text: p.text, span: p.span })),
    signals: a.signals,
    messages: a.messages.map((m) =>
      m.customer
        ? {
            index: m.index,
            role: m.role,
            lang: m.customer.lang,
            emotion: m.customer.emotion,
            intensity: r3(m.customer.intensity),
            sentiment: m.customer.sentiment,
            signals: m.customer.signals.map((s) => ({ id: s.id, span: s.span, severity: s.severity, confidence: r3(s.confidence) })),
            techniques: [],
          }
        : {
            index: m.index,
            role: m.role,
            lang: m.agent?.lang ?? 'unknown',
            empathyScore: m.agent?.empathyScore ?? 0,
            signals: [],
            techniques: (m.agent?.techniques ?? []).map((t) => ({
              id: t.id,
              polarity: t.polarity,
              span: t.span,
              confidence: r3(t.confidence),
              ...(t.rewrite ? { rewrite: t.rewrite } : {}),
            })),
          },
    ),
  };
}

export const CSV_COLUMNS = [
  'id',
  'agent',
  'lang',
  'messages',
  'qa_total',
  'empathy_score',
  'satisfaction',
  'satisfaction_score',
  'resolved',
  'turnaround',
  'peak_emotion',
  'end_emotion',
  'abuse',
  'threat',
  'escalation_threat',
  'self_harm',
  'repeat_yourself',
  'good_techniques',
  'harmful_techniques',
  'harmful_ids',
] as const;

/** One CSV row per conversation, in CSV_COLUMNS order. */
export function presentCsvRow(input: InputDialogue, a: ConversationAnalysis): (string | number)[] {
  let good = 0;
  let harmful = 0;
  const harmfulIds = new Set<string>();
  for (const m of a.messages) {
    for (const t of m.agent?.techniques ?? []) {
      if (t.polarity === 'good') good++;
      else if (t.polarity === 'harmful') {
        harmful++;
        harmfulIds.add(t.id);
      }
    }
  }
  return [
    a.id,
    input.agent ?? '',
    a.lang,
    a.messages.length,
    a.scorecard.total,
    a.empathyScore,
    a.satisfaction.label,
    a.satisfaction.score,
    a.resolved ? 'yes' : 'no',
    a.turnaround,
    a.peak?.emotion ?? '',
    a.end?.emotion ?? '',
    a.signals.abuse,
    a.signals.threat,
    a.signals.escalation_threat,
    a.signals.self_harm,
    a.signals.repeat_yourself,
    good,
    harmful,
    [...harmfulIds].join(' '),
  ];
}
