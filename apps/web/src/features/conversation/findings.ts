import type { MessageAnalysis } from '../../api/types.js';
import type { Mark } from './segments.js';

/**
 * The spans worth highlighting in a message: safety signals and emotion cues in a customer's words, good and harmful
 * techniques in an agent's. Neutral techniques (what a reply merely does) are left plain.
 */
export function marksOf(analysis: MessageAnalysis | null | undefined): Mark[] {
  if (!analysis) return [];
  if (analysis.role === 'customer') {
    const c = analysis.customer;
    return [
      ...(c.signals ?? []).map((f): Mark => ({ id: f.id, start: f.span.start, end: f.span.end, tone: 'signal' })),
      ...(c.cues ?? [])
        .filter((f) => f.id.startsWith('emotion:'))
        .map((f): Mark => ({ id: f.id, start: f.span.start, end: f.span.end, tone: 'cue' })),
    ];
  }
  return (analysis.agent.techniques ?? []).flatMap((f): Mark[] =>
    f.polarity === 'harmful' || f.polarity === 'good'
      ? [{ id: f.id, start: f.span.start, end: f.span.end, tone: f.polarity === 'harmful' ? 'harmful' : 'good' }]
      : [],
  );
}
