import { UPSET_EMOTIONS } from '../types.js';
import type { AnalyzeCustomer } from '../emotion/customer.js';
import type { TaskTuning } from '../emotion/tuning.js';
import type { CompiledLexicon } from '../lexicon/compile.js';
import { scoreConversation, type ScorecardDefinition } from '../qa/scorecard.js';
import type { AgentAnalyzer, PreparedContext } from '../techniques/agent.js';
import type { Normalize, NormalizedText } from '../text/normalize.js';
import type {
  ConversationAnalysis,
  CustomerAnalysis,
  Dialogue,
  Evidence,
  Lang,
  MessageAnalysis,
  SignalId,
  Stage,
  TrajectoryPoint,
} from '../types.js';
import { SIGNALS, STAGES } from '../types.js';

const STAGE_OF: Record<string, Stage> = {
  greeting: 'greet',
  verbal_nod: 'listen',
  open_question: 'listen',
  acknowledge_emotion: 'acknowledge',
  sincere_apology: 'acknowledge',
  paraphrase: 'restate',
  confirm_understanding: 'confirm',
  suggestion: 'propose',
  positive_no: 'propose',
  information: 'propose',
  ownership: 'propose',
  expectation_setting: 'propose',
  recap_and_offer: 'recap',
};
const MAX_TURNS = 2000;

export interface ConversationDeps {
  lexicon: CompiledLexicon;
  normalize: Normalize;
  analyzeCustomer: AnalyzeCustomer;
  agent: AgentAnalyzer;
  scorecard: ScorecardDefinition;
  tuning: TaskTuning;
}

function regexFound(lexicon: CompiledLexicon, kind: string, text: string): boolean {
  for (const p of lexicon.patterns[kind] ?? []) {
    p.regex.lastIndex = 0;
    if (p.regex.test(text)) return true;
  }
  return false;
}

function negativity(c: CustomerAnalysis): number {
  return UPSET_EMOTIONS.has(c.emotion) ? c.intensity : 0;
}

/** Whole-conversation analysis: every message, the emotion trajectory, structure, promises, scores. */
export function createConversationAnalyzer({ lexicon, normalize, analyzeCustomer, agent, scorecard, tuning }: ConversationDeps) {
  return function analyzeConversation(dialogue: Dialogue): ConversationAnalysis {
    const turns = dialogue.turns.slice(0, MAX_TURNS);
    const messages: MessageAnalysis[] = [];
    const trajectory: TrajectoryPoint[] = [];
    const previousAgent: NormalizedText[] = [];
    const evidence: Evidence[] = [];
    const structure = Object.fromEntries(STAGES.map((s) => [s, false])) as Record<Stage, boolean>;
    const signals = Object.fromEntries(SIGNALS.map((s) => [s, 0])) as Record<SignalId, number>;
    const promises: ConversationAnalysis['promises'] = [];
    let lastCustomer: { norm: NormalizedText; analysis: CustomerAnalysis } | undefined;
    let proposed = false;
    let closedRun = 0;
    let good = 0;
    let harmful = 0;
    let harmfulTotal = 0;
    let han = 0;
    let latin = 0;

    turns.forEach((turn, index) => {
      const text = typeof turn.text === 'string' ? turn.text : '';
      const known = turn.analysis;
      if (turn.role === 'customer') {
        const analysis = known && 'emotion' in known ? known : analyzeCustomer(text);
        messages.push({ index, role: 'customer', customer: analysis });
        trajectory.push({ index, emotion: analysis.emotion, intensity: analysis.intensity, sentiment: analysis.sentiment });
        for (const s of analysis.signals) {
          signals[s.id]++;
          evidence.push({ message: index, id: `customer:${s.id}`, span: s.span, text: s.text });
        }
        const norm = turn.normalized ?? normalize(text);
        if (proposed && regexFound(lexicon, 'agreement', norm.text)) structure.agree = true;
        if (analysis.lang === 'zh') han++;
        else if (analysis.lang === 'en') latin++;
        lastCustomer = { norm, analysis };
        return;
      }
      const norm = turn.normalized ?? normalize(text);
      const ctx: PreparedContext = { previousAgent };
      if (lastCustomer) {
        ctx.customer = lastCustomer.norm;
        ctx.customerAnalysis = lastCustomer.analysis;
      }
      if (dialogue.customerName) ctx.customerName = dialogue.customerName;
      let analysis = known && 'techniques' in known ? known : agent.analyzePrepared(text, norm, ctx);
      const closed = analysis.techniques.filter((t) => t.id === 'closed_question').length;
      const open = analysis.techniques.some((t) => t.id === 'open_question');
      closedRun = open ? 0 : closedRun + closed;
      if (closedRun >= 3 && closed > 0 && !analysis.techniques.some((t) => t.id === 'closed_question_overuse')) {
        const q = analysis.techniques.find((t) => t.id === 'closed_question');
        // A copy with the added technique: a reused analysis belongs to the caller and is not changed.
        if (q) {
          const overuse = {
            ...q,
            id: 'closed_question_overuse',
            polarity: 'harmful' as const,
            source: 'context' as const,
            confidence: 0.65,
          };
          analysis = { ...analysis, techniques: [...analysis.techniques, overuse] };
        }
        closedRun = 0;
      }
      for (const t of analysis.techniques) {
        const stage = STAGE_OF[t.id];
        if (stage) structure[stage] = true;
        if (stage === 'propose') proposed = true;
        if (t.polarity === 'good') good++;
        else if (t.polarity === 'harmful') harmful++;
        evidence.push({ message: index, id: t.id, span: t.span, text: t.text });
      }
      if (regexFound(lexicon, 'offer_help', norm.text)) structure.offer_help = true;
      if (lastCustomer) structure.listen = true;
      for (const p of analysis.promises) promises.push({ ...p, message: index });
      harmfulTotal += analysis.techniques.filter((t) => t.polarity === 'harmful').length;
      if (analysis.lang === 'zh') han++;
      else if (analysis.lang === 'en') latin++;
      messages.push({ index, role: 'agent', agent: analysis });
      previousAgent.push(norm);
    });

    const start = trajectory[0];
    const end = trajectory[trajectory.length - 1];
    let peak: TrajectoryPoint | undefined;
    for (const p of trajectory) if (!peak || p.sentiment < peak.sentiment) peak = p;
    const turnaround = peak && end ? Math.round((end.sentiment - peak.sentiment) * 1000) / 1000 : 0;
    const customerUpset = messages.some((m) => m.customer && negativity(m.customer) >= 0.35);
    const lastAnalysis = lastCustomer?.analysis;
    const resolved =
      !!lastAnalysis &&
      (lastAnalysis.emotion === 'satisfaction' || (structure.agree && lastAnalysis.sentiment >= 0)) &&
      !lastAnalysis.signals.some((s) => s.id !== 'sarcasm' && s.id !== 'repeat_contact');
    if (resolved && lastCustomer) {
      const idx = messages.findLastIndex((m) => m.role === 'customer');
      evidence.push({ message: messages[idx]?.index ?? 0, id: 'outcome:resolved', span: { start: 0, end: 0 }, text: '' });
    }
    const lang: Lang =
      han === 0 && latin === 0
        ? 'unknown'
        : han >= latin
          ? latin > 0
            ? han > latin * 3
              ? 'zh'
              : 'mixed'
            : 'zh'
          : han > 0 && latin < han * 3
            ? 'mixed'
            : 'en';
    const empathyScore = good + harmful === 0 ? 0 : Math.round((100 * (good - harmful)) / (good + harmful));
    const sat = tuning.satisfaction;
    const sentiments = trajectory.map((p) => p.sentiment);
    const features: Record<string, number> = {
      endSentiment: end?.sentiment ?? 0,
      meanSentiment: sentiments.length === 0 ? 0 : sentiments.reduce((a, b) => a + b, 0) / sentiments.length,
      minSentiment: sentiments.length === 0 ? 0 : Math.min(...sentiments),
      turnaround,
      empathy: empathyScore / 100,
      harmful: Math.min(harmfulTotal, 5),
      good: Math.min(good, 8),
      signals: Math.min(
        signals.abuse + signals.threat + signals.escalation_threat + signals.repeat_yourself + signals.manager_request + signals.churn_risk,
        3,
      ),
      repeat: Math.min(signals.repeat_contact + signals.repeat_yourself, 3),
      resolved: resolved ? 1 : 0,
      endSatisfaction: end?.emotion === 'satisfaction' ? 1 : 0,
      endUpset: end && UPSET_EMOTIONS.has(end.emotion) ? end.intensity : 0,
      agentTurns: Math.min(previousAgent.length, 6),
    };
    let score = sat.bias;
    for (const [name, weight] of Object.entries(sat.weights)) score += weight * (features[name] ?? 0);
    const label = score <= sat.low ? 'dissatisfied' : score >= sat.high ? 'satisfied' : 'neutral';

    return {
      id: dialogue.id,
      lang,
      messages,
      trajectory,
      ...(peak ? { peak } : {}),
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
      turnaround,
      structure,
      promises,
      empathyScore,
      scorecard: scoreConversation(scorecard, {
        evidence,
        agentSpoke: previousAgent.length > 0,
        customerUpset,
        lang: lang === 'en' ? 'en' : 'zh',
      }),
      signals,
      satisfaction: { label, score: Math.round(score * 1000) / 1000, features },
      resolved,
    };
  };
}
