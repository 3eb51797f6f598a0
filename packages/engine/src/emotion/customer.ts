import type { CompiledLexicon, CustomerCue } from '../lexicon/compile.js';
import { dropOverlapping, type Match } from '../match/matcher.js';
import { detectLanguage } from '../text/language.js';
import { originalSpan, type Normalize, type NormalizedText } from '../text/normalize.js';
import type { CueEmotion, CustomerAnalysis, Emotion, Finding, SignalFinding, SignalId } from '../types.js';
import type { CustomerTuning } from './tuning.js';

/** How a safety or effort signal colours the customer's emotion. */
const SIGNAL_EMOTION: Record<SignalId, [CueEmotion, number]> = {
  abuse: ['anger', 0.6],
  threat: ['anger', 0.7],
  escalation_threat: ['anger', 0.5],
  self_harm: ['sadness', 0.8],
  repeat_yourself: ['frustration', 0.5],
  repeat_contact: ['frustration', 0.45],
  sarcasm: ['frustration', 0.4],
  manager_request: ['anger', 0.35],
  churn_risk: ['frustration', 0.35],
};

const NEGATABLE_SIGNALS = new Set<SignalId>(['escalation_threat', 'churn_risk', 'manager_request']);
const CUE_EMOTIONS: readonly CueEmotion[] = ['anger', 'frustration', 'anxiety', 'sadness', 'confusion', 'satisfaction'];

function isClauseBreak(code: number): boolean {
  // , . ! ? ; : newline and 。、；
  return (
    code === 0x2c ||
    code === 0x2e ||
    code === 0x21 ||
    code === 0x3f ||
    code === 0x3b ||
    code === 0x0a ||
    code === 0x3002 ||
    code === 0x3001 ||
    code === 0xff1b
  );
}

function hasBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isClauseBreak(text.charCodeAt(i))) return true;
  return false;
}

/** Shouting: most letters upper case in a message with enough letters to tell. */
function capsRatio(original: string): number {
  let upper = 0;
  let letters = 0;
  for (let i = 0; i < original.length && letters < 400; i++) {
    const c = original.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      upper++;
      letters++;
    } else if (c >= 0x61 && c <= 0x7a) letters++;
  }
  return letters >= 8 ? upper / letters : 0;
}

function countRuns(text: string, code: number): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === code) {
      run++;
      if (run > best) best = run;
    } else run = 0;
  }
  return best;
}

export interface CustomerAnalyzerDeps {
  lexicon: CompiledLexicon;
  normalize: Normalize;
  tuning: CustomerTuning;
}

/** Reads one customer message: emotion with intensity, sentiment, safety and effort signals, each with spans. */
export function createCustomerAnalyzer({ lexicon, normalize, tuning }: CustomerAnalyzerDeps) {
  return function analyzeCustomer(original: string, prepared?: NormalizedText): CustomerAnalysis {
    const norm = prepared ?? normalize(original);
    const { text } = norm;
    const span = (start: number, end: number) => originalSpan(norm, original.length, start, end);
    const matches = dropOverlapping(lexicon.customer.match(text));

    const raw: Record<CueEmotion, number> = { anger: 0, frustration: 0, anxiety: 0, sadness: 0, confusion: 0, satisfaction: 0 };
    const signals: SignalFinding[] = [];
    const cues: Finding[] = [];
    let valence = 0;
    const window = tuning.modifierWindow;

    // Modifiers seen since the last clause break, applied to the next cue within the window.
    let negate = 1;
    let scale = 1;
    let modEnd = -1;
    let contrastAt = -1;
    let contrastFactor = 1;
    const contributions: { at: number; emotion?: CueEmotion; weight: number; valence: number }[] = [];
    let sarcasm = false;

    let target: Match<CustomerCue> | undefined;
    let cueStart = -1;
    let cueGap = Infinity;
    let n = 1;
    let s = 1;
    let negative = 0;
    for (const m of matches as Match<CustomerCue>[]) {
      const cue = m.data;
      if (cue.kind === 'target') {
        target ??= m;
        continue;
      }
      if (cue.kind === 'modifier') {
        if (modEnd >= 0 && (m.start - modEnd > window || hasBreak(text, modEnd, m.start))) {
          negate = 1;
          scale = 1;
        }
        if (cue.modifier === 'negator') negate *= cue.factor;
        else if (cue.modifier === 'contrast') {
          contrastAt = m.start;
          contrastFactor = cue.factor;
        } else scale *= cue.factor;
        modEnd = m.end;
        continue;
      }
      // Cues sharing one span (an emotion and a sentiment for 满意) share its modifiers.
      if (m.start !== cueStart) {
        const gap = modEnd >= 0 ? m.start - modEnd : Infinity;
        const modified = gap <= window && !hasBreak(text, modEnd, m.start);
        cueGap = gap;
        n = modified ? negate : 1;
        s = modified ? scale : 1;
        cueStart = m.start;
        negate = 1;
        scale = 1;
        modEnd = -1;
      }
      const gap = cueGap;
      const where = span(m.start, m.end);
      const shown = original.slice(where.start, where.end);

      if (cue.kind === 'signal') {
        // Only a negator right before it cancels a stated intention ("不会投诉"); "信不信我弄死你" stays a threat.
        if (n < 0 && NEGATABLE_SIGNALS.has(cue.signal) && gap <= 3) continue;
        if (cue.signal === 'sarcasm') sarcasm = true;
        signals.push({
          id: cue.signal,
          span: where,
          text: shown,
          confidence: Math.min(1, 0.5 + cue.severity / 2),
          severity: cue.severity,
          source: 'lexicon',
        });
        const [emotion, weight] = SIGNAL_EMOTION[cue.signal];
        contributions.push({ at: m.start, emotion, weight: weight * cue.severity, valence: -0.6 * cue.severity });
        continue;
      }
      if (cue.kind === 'sentiment') {
        // Zero-valence entries exist only to hide a cue inside a neutral phrase (不好 in 不好意思).
        if (cue.valence === 0) continue;
        const v = n < 0 ? cue.valence * n * tuning.negatedValence : cue.valence * n;
        contributions.push({ at: m.start, weight: 0, valence: v * s });
        cues.push({
          id: v >= 0 ? 'sentiment:+' : 'sentiment:-',
          span: where,
          text: shown,
          confidence: Math.min(1, Math.abs(v * s)),
          source: 'lexicon',
        });
        continue;
      }
      let emotion: CueEmotion | undefined = cue.emotion;
      let weight = cue.weight * s;
      if (n < 0) {
        // "不满意" / "not happy" reads as frustration; a negated negative emotion ("不着急") carries little.
        if (emotion === 'satisfaction') {
          emotion = 'frustration';
          weight *= tuning.negatedSatisfaction;
        } else {
          emotion = undefined;
        }
      }
      if (emotion === undefined) continue;
      const v = emotion === 'satisfaction' ? weight : emotion === 'confusion' ? -0.3 * weight : -weight;
      contributions.push({ at: m.start, emotion, weight, valence: v });
      cues.push({ id: `emotion:${emotion}`, span: where, text: shown, confidence: Math.min(1, weight), source: 'lexicon' });
    }

    for (const c of contributions) {
      let w = 1;
      if (contrastAt >= 0) w = c.at > contrastAt ? contrastFactor : 1 / Math.max(contrastFactor, 0.1);
      let emotion = c.emotion;
      let v = c.valence;
      // Praise in a sarcastic message is a complaint ("great, just great").
      if (sarcasm && emotion === 'satisfaction') {
        emotion = 'frustration';
        v = -v;
      }
      if (sarcasm && v > 0) v = -v * 0.5;
      if (emotion) raw[emotion] += c.weight * w;
      valence += v * w;
      if (v < 0) negative += v * w;
    }

    // Target + derogation: a social group named in a strongly negative message is abuse even without a slur.
    if (
      target &&
      !signals.some((s) => s.id === 'abuse') &&
      (negative <= -tuning.derogationValence || raw.anger >= tuning.derogationAnger)
    ) {
      const where = span(target.start, target.end);
      signals.push({
        id: 'abuse',
        span: where,
        text: original.slice(where.start, where.end),
        confidence: 0.6,
        severity: tuning.derogationSeverity,
        source: 'rule',
      });
    }

    // Typography: !!!, ???, CAPS raise arousal; they sharpen whatever the words say.
    const bangs = countRuns(text, 0x21);
    const questions = countRuns(text, 0x3f);
    const caps = capsRatio(original);
    let arousal = 1;
    if (bangs >= 2) arousal += tuning.exclamationBoost * Math.min(bangs, 4);
    if (caps >= 0.7) {
      arousal += tuning.capsBoost;
      raw.anger += tuning.capsAnger;
      cues.push({ id: 'cue:caps', span: { start: 0, end: original.length }, text: '', confidence: caps, source: 'rule' });
    }
    if (questions >= 2) {
      const negative = raw.anger + raw.frustration;
      if (negative > 0) raw.anger += tuning.questionRunAnger;
      else raw.confusion += tuning.questionRunConfusion;
    }
    if (bangs >= 3 && raw.satisfaction === 0) raw.frustration += tuning.exclamationFrustration;

    const lang = detectLanguage(text);
    // The per-emotion biases are fitted on English data (GoEmotions); Chinese keeps the lexicon's own weights.
    const bias = lang === 'en' ? tuning.emotionBias : {};
    const scores = { anger: 0, frustration: 0, anxiety: 0, sadness: 0, confusion: 0, satisfaction: 0 } as Record<CueEmotion, number>;
    let best: CueEmotion = 'anger';
    for (const e of CUE_EMOTIONS) {
      scores[e] = 1 - Math.exp(-raw[e] * arousal * (bias[e] ?? 1));
      if (scores[e] > scores[best]) best = e;
    }
    const top = scores[best];
    const v = valence * (valence < 0 ? arousal : 1);
    const sentiment = v / Math.sqrt(v * v + tuning.sentimentAlpha);
    let emotion: Emotion = top >= tuning.minEmotionScore ? best : 'neutral';
    let intensity = emotion === 'neutral' ? 0 : Math.min(1, top);
    // Evaluative words without an emotion cue still say how the customer feels: pleased or fed up.
    if (emotion === 'neutral' && Math.abs(sentiment) >= tuning.sentimentFallback) {
      emotion = sentiment > 0 ? 'satisfaction' : 'frustration';
      intensity = Math.min(1, Math.abs(sentiment) * 0.6);
    }

    return {
      lang,
      emotion,
      intensity,
      sentiment: Math.round(sentiment * 1000) / 1000,
      scores,
      signals,
      cues,
    };
  };
}

export type AnalyzeCustomer = ReturnType<typeof createCustomerAnalyzer>;
