import type { Translate } from '../../i18n/i18n.js';

export interface TransferFacts {
  emotion: string | null;
  intensity: number | null;
  risk: readonly string[];
  complaint: string | null;
  promises: readonly { text: string; due: string }[];
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The private note that travels with a transfer: how the customer feels, the key complaint and the promises still
 * open, so the next agent does not make the customer repeat themselves.
 * @example
 * buildTransferNote(t, { emotion: 'anger', intensity: 0.8, risk: [], complaint: '榨汁机坏了', promises: [] });
 */
export function buildTransferNote(t: Translate, facts: TransferFacts): string {
  const lines = [t('transfer.noteHead')];
  lines.push(
    t('transfer.noteEmotion', {
      emotion: facts.emotion ? t(`emotion.${facts.emotion}`) : t('transfer.unknown'),
      intensity: facts.intensity === null ? '—' : facts.intensity.toFixed(1),
    }),
  );
  if (facts.risk.length > 0) lines.push(t('transfer.noteRisk', { risk: facts.risk.map((r) => t(`risk.${r}`)).join(t('list.separator')) }));
  lines.push(
    t('transfer.noteComplaint', {
      complaint: facts.complaint ? clip(facts.complaint.replace(/\s+/g, ' ').trim(), 160) : t('transfer.unknown'),
    }),
  );
  if (facts.promises.length === 0) lines.push(t('transfer.noteNoPromises'));
  else for (const p of facts.promises) lines.push(t('transfer.notePromise', { text: clip(p.text, 120), due: p.due }));
  return lines.join('\n');
}
