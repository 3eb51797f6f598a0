import { UPSET_EMOTIONS } from '../types.js';
import type { AnalyzeCustomer } from '../emotion/customer.js';
import type { TaskTuning } from '../emotion/tuning.js';
import type { AgentCue, CompiledLexicon, CompiledPattern } from '../lexicon/compile.js';
import { dropContained } from '../match/matcher.js';
import { detectLanguage } from '../text/language.js';
import { originalSpan, type Normalize, type NormalizedText } from '../text/normalize.js';
import type { Segmenter } from '../text/segmenter.js';
import type { AgentAnalysis, AgentContext, Commitment, CustomerAnalysis, EmpathyLevels, Span, TechniqueFinding } from '../types.js';
import { findSentences, type Sentence } from './sentences.js';

const SOLUTION = new Set(['suggestion', 'information', 'positive_no', 'expectation_setting']);
const EMPATHY_FIRST = new Set(['acknowledge_emotion', 'sincere_apology', 'paraphrase', 'verbal_nod', 'confirm_understanding']);
const QUESTION_IDS = new Set(['open_question', 'confirm_understanding', 'dismissive_question', 'recap_and_offer']);
const ACT_RULES: readonly [kind: string, technique: string][] = [
  ['act_self_disclosure', 'self_disclosure'],
  ['act_suggestion', 'suggestion'],
  ['act_information', 'information'],
  ['act_reassurance', 'reassurance'],
  ['act_reflection', 'acknowledge_emotion'],
  ['act_restatement', 'paraphrase'],
];
const NEGATION_REACH_ZH = 2;
const NEGATION_REACH_EN = 7;
const REPEATED_SENTENCE = 10;
/** Earlier agent turns an agent turn's analysis looks at (pass at least these as `previousAgentTurns`). */
export const AGENT_CONTEXT_TURNS = 20;
/** Bounds the per-sentence context checks on pathological replies (hundreds of KB). */
const MAX_SENTENCES = 500;
const MAX_TERMS = 64;
// Whitespace and sentence punctuation trimmed before comparing sentences.
const TRIM = new Set([...' \t\n\r,.!?~。，！？、'].map((c) => c.charCodeAt(0)));
const OVERUSED_CLOSED_QUESTIONS = 3;

export interface AgentAnalyzerDeps {
  lexicon: CompiledLexicon;
  normalize: Normalize;
  segmenter: Segmenter;
  analyzeCustomer: AnalyzeCustomer;
  tuning: TaskTuning;
}

/** What the conversation analyser hands over so earlier turns are not normalised again. */
export interface PreparedContext {
  customer?: NormalizedText;
  customerAnalysis?: CustomerAnalysis;
  previousAgent: readonly NormalizedText[];
  customerName?: string;
}

/** Which scripts a text contains: Chinese-only patterns are not run on English text, and the reverse. */
interface Scripts {
  han: boolean;
  latin: boolean;
}

function scriptsOf(text: string): Scripts {
  let han = false;
  let latin = false;
  for (let i = 0; i < text.length && !(han && latin); i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3400 && c <= 0x9fff) han = true;
    else if (c >= 0x61 && c <= 0x7a) latin = true;
  }
  return { han, latin };
}

function regexHits(
  patterns: CompiledPattern[] | undefined,
  text: string,
  scripts: Scripts,
): { start: number; end: number; p: CompiledPattern }[] {
  const hits: { start: number; end: number; p: CompiledPattern }[] = [];
  if (!patterns) return hits;
  for (const p of patterns) {
    if ((p.script === 'han' && !scripts.han) || (p.script === 'latin' && !scripts.latin)) continue;
    p.regex.lastIndex = 0;
    for (let m = p.regex.exec(text); m !== null; m = p.regex.exec(text)) {
      if (m[0].length === 0) {
        p.regex.lastIndex++;
        continue;
      }
      hits.push({ start: m.index, end: m.index + m[0].length, p });
      if (hits.length > 64) return hits;
    }
  }
  return hits;
}

function within(s: Sentence, start: number): boolean {
  return start >= s.start && start < s.end;
}

/** Detects the agent techniques of one reply — good, harmful and neutral acts — using the customer's message and earlier turns. */
export function createAgentAnalyzer({ lexicon, normalize, segmenter, analyzeCustomer, tuning }: AgentAnalyzerDeps) {
  const stop = lexicon.stopwords;

  const LATIN_WORD = /[a-z0-9]+(?:'[a-z]+)?/g;

  /** Content words of the customer's message: Latin words by pattern, Han text through the injected segmenter (only when there is any). */
  function keyTerms(customer: NormalizedText): string[] {
    const out = new Set<string>();
    const text = customer.text;
    for (const m of text.matchAll(LATIN_WORD)) {
      const t = m[0];
      if ((t.length >= 4 || /^\d{3,}$/.test(t)) && !stop.has(t)) out.add(t);
    }
    if (scriptsOf(text).han) {
      for (const token of segmenter.cut(text)) {
        if (token.length >= 2 && token.charCodeAt(0) >= 0x3400 && !stop.has(token)) out.add(token);
      }
    }
    return [...out].slice(0, MAX_TERMS);
  }

  function analyze(original: string, norm: NormalizedText, ctx: PreparedContext): AgentAnalysis {
    const { text, map } = norm;
    const present = scriptsOf(text);
    const span = (start: number, end: number): Span => originalSpan(norm, original.length, start, end);
    const findings: TechniqueFinding[] = [];
    const add = (id: string, start: number, end: number, confidence: number, source: TechniqueFinding['source'], rewrite?: string) => {
      const where = span(start, end);
      const finding: TechniqueFinding = {
        id,
        span: where,
        text: original.slice(where.start, where.end),
        confidence,
        source,
        polarity: lexicon.polarity(id),
      };
      if (rewrite) finding.rewrite = rewrite;
      findings.push(finding);
    };

    let negatorEnd = -1;
    let negatorCjk = false;
    for (const m of dropContained(lexicon.agent.match(text))) {
      const cue: AgentCue = m.data;
      if (cue.kind === 'modifier') {
        negatorEnd = m.end;
        negatorCjk = text.charCodeAt(m.start) >= 0x3400;
        continue;
      }
      if (cue.kind === 'technique') {
        const reach = negatorCjk ? NEGATION_REACH_ZH : NEGATION_REACH_EN;
        const negated = negatorEnd >= 0 && m.start >= negatorEnd && m.start - negatorEnd <= reach;
        if (negated && lexicon.polarity(cue.id) === 'good') continue;
        add(cue.id, m.start, m.end, cue.confidence, cue.source === 'guidelines' ? 'guidelines' : 'lexicon', cue.rewrite);
      } else if (cue.kind === 'jargon') {
        add('jargon', m.start, m.end, 0.8, cue.source === 'guidelines' ? 'guidelines' : 'lexicon', cue.plain);
      } else if (cue.signal === 'sarcasm' || cue.severity >= 0.3) {
        add('unprofessional_language', m.start, m.end, Math.min(1, 0.5 + cue.severity / 2), 'lexicon');
      }
    }

    for (const hit of regexHits(lexicon.patterns.unfilled_template, text, present))
      add('unfilled_template', hit.start, hit.end, hit.p.confidence, 'rule');
    // Generic wording of support acts (first-person experience, modal advice, facts, feelings named back).
    for (const [kind, id] of ACT_RULES) {
      if (findings.some((f) => f.id === id)) continue;
      // Wording already explained by a lexicon finding ("规定就是这样" is a blunt no) is not a second act.
      const hit = regexHits(lexicon.patterns[kind], text, present).find((h) => {
        const start = map[h.start] ?? 0;
        const end = map[h.end] ?? original.length;
        return !findings.some((f) => f.span.start < end && start < f.span.end);
      });
      if (hit) add(id, hit.start, hit.end, hit.p.confidence, 'rule');
    }
    if (!findings.some((f) => f.id === 'recap_and_offer')) {
      const offer = regexHits(lexicon.patterns.offer_help, text, present)[0];
      if (offer) add('recap_and_offer', offer.start, offer.end, offer.p.confidence, 'rule');
    }

    const sentences = findSentences(text);
    const sentenceStarts = sentences.map((x) => map[x.start] ?? 0);
    /** Index of the sentence an original offset falls in (binary search: findings can be many on long text). */
    const sentenceOf = (position: number): number => {
      let lo = 0;
      let hi = sentenceStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((sentenceStarts[mid] ?? 0) <= position) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const questionEnd = lexicon.patterns.question_end ?? [];
    const hasOpen = new Uint8Array(sentences.length);
    const hasClosed = new Uint8Array(sentences.length);
    for (const f of findings) {
      const i = sentenceOf(f.span.start);
      if (QUESTION_IDS.has(f.id)) hasOpen[i] = 1;
      else if (f.id === 'closed_question') hasClosed[i] = 1;
    }
    const dropClosed = new Uint8Array(sentences.length);
    const closedAt: number[] = [];
    sentences.forEach((x, i) => {
      const body = text.slice(x.start, x.end).trimEnd();
      const isQuestion = questionEnd.some((p) => {
        p.regex.lastIndex = 0;
        return p.regex.test(body);
      });
      // A closed-question opener without a question ("do you know, …") is a statement; an open question hides it.
      if (!isQuestion || hasOpen[i]) dropClosed[i] = 1;
      else closedAt.push(i);
    });
    let write = 0;
    for (const f of findings) {
      if (f.id === 'closed_question' && dropClosed[sentenceOf(f.span.start)]) continue;
      findings[write++] = f;
    }
    findings.length = write;
    for (const i of closedAt) {
      const x = sentences[i];
      if (x && !hasClosed[i]) add('closed_question', x.start, x.end, 0.6, 'rule');
    }
    const closedQuestions = closedAt.length;
    if (closedQuestions >= OVERUSED_CLOSED_QUESTIONS) add('closed_question_overuse', 0, text.length, 0.7, 'rule');

    const promises: Commitment[] = [];
    const commitments = regexHits(lexicon.patterns.commitment, text, present);
    for (const due of regexHits(lexicon.patterns.due, text, present)) {
      const sentence = sentences.find((s) => within(s, due.start));
      if (!sentence) continue;
      if (!commitments.some((c) => within(sentence, c.start))) continue;
      const where = span(sentence.start, sentence.end);
      const dueSpan = span(due.start, due.end);
      if (promises.some((p) => p.span.start === where.start)) continue;
      promises.push({ span: where, text: original.slice(where.start, where.end).trim(), due: original.slice(dueSpan.start, dueSpan.end) });
      if (!findings.some((f) => f.id === 'expectation_setting' && f.span.start >= where.start && f.span.start < where.end)) {
        add('expectation_setting', due.start, due.end, due.p.confidence, 'rule');
      }
    }

    // Context: the customer's message.
    const customer = ctx.customerAnalysis;
    if (ctx.customer && ctx.customer.text.length > 0) {
      const terms = keyTerms(ctx.customer);
      if (terms.length > 0) {
        let best: Sentence | undefined;
        let bestCount = 0;
        let total = 0;
        for (const s of sentences.slice(0, MAX_SENTENCES)) {
          const body = text.slice(s.start, s.end);
          let count = 0;
          for (const t of terms) if (body.includes(t)) count++;
          total += count;
          if (count > bestCount) {
            bestCount = count;
            best = s;
          }
        }
        const share = total / terms.length;
        if (best && (bestCount >= 3 || (bestCount >= 2 && share >= 0.25))) {
          add('paraphrase', best.start, best.end, Math.min(0.95, 0.5 + share / 2), 'context');
        }
      }
      const customerScripts = scriptsOf(ctx.customer.text);
      const casual =
        regexHits(lexicon.patterns.emoji, ctx.customer.text, customerScripts).length +
          regexHits(lexicon.patterns.casual, ctx.customer.text, customerScripts).length >
        0;
      const formal = regexHits(lexicon.patterns.formal, text, present);
      const playful = [...regexHits(lexicon.patterns.playful, text, present), ...regexHits(lexicon.patterns.emoji, text, present)];
      const upset =
        customer !== undefined &&
        ((UPSET_EMOTIONS.has(customer.emotion) && customer.intensity >= 0.4) || customer.signals.some((s) => s.id === 'abuse'));
      const first = formal[0];
      const joke = playful[0];
      if (casual && !upset && first && playful.length === 0) add('tone_mismatch', first.start, first.end, 0.6, 'context');
      else if (upset && joke) add('tone_mismatch', joke.start, joke.end, 0.75, 'context');
    }
    if (customer && UPSET_EMOTIONS.has(customer.emotion) && customer.intensity >= 0.35) {
      const firstSolution = findings.filter((f) => SOLUTION.has(f.id)).sort((a, b) => a.span.start - b.span.start)[0];
      const empathyBefore = findings.some((f) => EMPATHY_FIRST.has(f.id) && (!firstSolution || f.span.start <= firstSolution.span.start));
      if (firstSolution && !empathyBefore) {
        const where = firstSolution.span;
        findings.push({
          id: 'rushing_to_solution',
          span: where,
          text: firstSolution.text,
          confidence: 0.7,
          source: 'context',
          polarity: 'harmful',
        });
      }
    }

    // Context: earlier agent turns (the most recent ones: a stock phrase repeats within a conversation's stretch).
    const recent = ctx.previousAgent.slice(-AGENT_CONTEXT_TURNS);
    if (recent.length > 0) {
      for (const x of sentences.slice(0, MAX_SENTENCES)) {
        let from = x.start;
        let to = x.end;
        while (from < to && TRIM.has(text.charCodeAt(from))) from++;
        while (to > from && TRIM.has(text.charCodeAt(to - 1))) to--;
        const body = text.slice(from, to);
        if (body.length < 6) continue;
        let seen = 0;
        for (const p of recent) if (p.text.includes(body)) seen++;
        if (seen >= 2 || (seen >= 1 && body.length >= REPEATED_SENTENCE))
          add('robotic_repetition', from, to, Math.min(0.95, 0.6 + 0.15 * seen), 'context');
      }
    }
    if (ctx.customerName) {
      const name = normalize(ctx.customerName).text.trim();
      const at = name.length >= 2 ? text.indexOf(name) : -1;
      if (at >= 0) add('personalisation', at, at + name.length, 0.85, 'context');
    }

    // The organisation's own wording wins over the default lexicon for the same span.
    const rank = (f: TechniqueFinding) => (f.source === 'guidelines' ? 0 : 1);
    findings.sort((a, b) => a.span.start - b.span.start || a.id.localeCompare(b.id) || rank(a) - rank(b));
    const unique = findings.filter((f, i) => {
      const prev = findings[i - 1];
      return !prev || prev.id !== f.id || prev.span.start !== f.span.start;
    });

    let good = 0;
    let harmful = 0;
    for (const f of unique) {
      if (f.polarity === 'good') good++;
      else if (f.polarity === 'harmful') harmful++;
    }
    const ids = new Set(unique.map((f) => f.id));
    const primary = tuning.strategyPriority.find((id) => ids.has(id)) ?? 'other';

    return {
      lang: detectLanguage(text),
      techniques: unique,
      empathyScore: good + harmful === 0 ? 0 : Math.round((100 * (good - harmful)) / (good + harmful)),
      primary,
      empathy: empathyLevels(unique, tuning),
      promises,
    };
  }

  function prepare(context: AgentContext): PreparedContext {
    const kept = context.normalized;
    const customer = context.customer !== undefined ? (kept?.customer ?? normalize(context.customer)) : undefined;
    const ctx: PreparedContext = {
      previousAgent: (context.previousAgentTurns ?? []).map((t, i) => kept?.previousAgentTurns?.[i] ?? normalize(t)),
    };
    if (customer) ctx.customer = customer;
    const ca = context.customerAnalysis ?? (context.customer !== undefined ? analyzeCustomer(context.customer) : undefined);
    if (ca) ctx.customerAnalysis = ca;
    if (context.customerName) ctx.customerName = context.customerName;
    return ctx;
  }

  return {
    /** `prepared`: the reply as this analyser's `normalize` made it, when the caller has it. */
    analyzeAgent(original: string, context: AgentContext = {}, prepared?: NormalizedText): AgentAnalysis {
      return analyze(original, prepared ?? normalize(original), prepare(context));
    },
    analyzePrepared: analyze,
  };
}

function level(sum: number, strong: number): 0 | 1 | 2 {
  if (sum <= 0) return 0;
  return sum >= strong ? 2 : 1;
}

/**
 * EPITOME mechanisms from techniques (Sharma et al. 2020): emotional reactions are the responder's own
 * warmth (acknowledging, apologising, reassuring); interpretations show understanding of the seeker's
 * experience (restating, naming their feelings back, sharing a similar one); explorations ask about it.
 */
function empathyLevels(findings: TechniqueFinding[], tuning: TaskTuning): EmpathyLevels {
  let er = 0;
  let ip = 0;
  let ex = 0;
  for (const f of findings) {
    switch (f.id) {
      case 'acknowledge_emotion':
        er += f.confidence;
        // Naming the customer's feeling back ("you must feel…") is also an interpretation.
        if (f.source === 'rule') ip += f.confidence;
        break;
      case 'sincere_apology':
        er += f.confidence;
        break;
      case 'reassurance':
        er += f.confidence * 0.5;
        break;
      case 'paraphrase':
      case 'self_disclosure':
        ip += f.confidence;
        break;
      case 'confirm_understanding':
        ip += f.confidence * 0.8;
        ex += f.confidence * 0.5;
        break;
      case 'open_question':
        ex += f.confidence * 1.2;
        break;
      case 'closed_question':
        ex += f.confidence * 0.6;
        break;
    }
  }
  return {
    emotional_reactions: level(er, tuning.empathy.erStrong),
    interpretations: level(ip, tuning.empathy.ipStrong),
    explorations: level(ex, tuning.empathy.exStrong),
  };
}

export type AgentAnalyzer = ReturnType<typeof createAgentAnalyzer>;
