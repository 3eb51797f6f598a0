import { SIGNALS, UPSET_EMOTIONS } from '../types.js';
import type { AnalyzeCustomer } from '../emotion/customer.js';
import type { CompiledLexicon } from '../lexicon/compile.js';
import type { AgentAnalyzer } from '../techniques/agent.js';
import type { AgentAnalysis, AgentContext, CustomerAnalysis, Hint } from '../types.js';

const ACKNOWLEDGES = new Set(['acknowledge_emotion', 'sincere_apology', 'paraphrase']);
// Every customer signal is worth an alert except sarcasm, which only colours the emotion.
const ALERTS = new Set<string>(SIGNALS.filter((s) => s !== 'sarcasm'));

export interface CoachResult extends AgentAnalysis {
  customer?: CustomerAnalysis;
  hints: Hint[];
}

/** Live coaching: what the agent's draft does, and what to change before sending it. */
export function createCoach(lexicon: CompiledLexicon, agent: AgentAnalyzer, analyzeCustomer: AnalyzeCustomer) {
  const text = (id: string, field: 'suggestion' | 'explanation', lang: 'zh' | 'en'): string => {
    const t = lexicon.techniques.get(id);
    return t ? t[field][lang] : '';
  };

  return function coach(draft: string, context: AgentContext = {}): CoachResult {
    const customer = context.customerAnalysis ?? (context.customer !== undefined ? analyzeCustomer(context.customer) : undefined);
    const analysis = agent.analyzeAgent(draft, customer ? { ...context, customerAnalysis: customer } : context);
    const lang: 'zh' | 'en' = analysis.lang === 'en' || (analysis.lang === 'unknown' && customer?.lang === 'en') ? 'en' : 'zh';
    const hints: Hint[] = [];

    if (customer) {
      for (const s of customer.signals) {
        if (!ALERTS.has(s.id) || hints.some((h) => h.id === s.id)) continue;
        const sig = lexicon.catalogue.signals.find((x) => x.id === s.id);
        hints.push({ id: s.id, kind: 'alert', message: sig ? sig.suggestion[lang] : s.id, span: s.span, target: 'customer' });
      }
    }
    const seen = new Set<string>();
    for (const f of analysis.techniques) {
      if (f.polarity !== 'harmful') continue;
      // One hint per technique: the advice is the same, the first rewrite is the one to show.
      const key = f.id;
      if (seen.has(key)) continue;
      seen.add(key);
      const hint: Hint = {
        id: f.id,
        kind: 'avoid',
        message: text(f.id, 'suggestion', lang) || text(f.id, 'explanation', lang) || f.id,
        span: f.span,
      };
      if (f.rewrite) hint.rewrite = f.id === 'jargon' ? draft.slice(0, f.span.start) + f.rewrite + draft.slice(f.span.end) : f.rewrite;
      hints.push(hint);
    }
    const ids = new Set(analysis.techniques.map((t) => t.id));
    if (customer && UPSET_EMOTIONS.has(customer.emotion) && customer.intensity >= 0.3 && ![...ACKNOWLEDGES].some((id) => ids.has(id))) {
      const emotion = lexicon.catalogue.emotions.find((e) => e.id === customer.emotion);
      hints.push({
        id: 'acknowledge_emotion',
        kind: 'do',
        message: emotion ? emotion.suggestion[lang] : text('acknowledge_emotion', 'suggestion', lang),
      });
    }
    const praised = new Set<string>();
    for (const f of analysis.techniques) {
      if (f.polarity !== 'good' || praised.has(f.id)) continue;
      praised.add(f.id);
      hints.push({ id: f.id, kind: 'praise', message: text(f.id, 'explanation', lang) || f.id, span: f.span, target: 'draft' });
    }
    const result: CoachResult = { ...analysis, hints };
    if (customer) result.customer = customer;
    return result;
  };
}
