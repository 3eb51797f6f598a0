import { createMatcher, type Matcher } from '../match/matcher.js';
import type { CueEmotion, Polarity, SignalId } from '../types.js';
import { EMOTIONS, SIGNALS } from '../types.js';
import type { Catalogue, CatalogueTechnique, RawLexicon, RawPattern } from './raw.js';

/** An organisation's own wording, merged with the defaults (seed 003: write empathy guidelines with your team). */
export interface Guidelines {
  doSay?: { phrase: string; lang?: string; technique?: string }[];
  dontSay?: { phrase: string; lang?: string; rewrite?: string }[];
  glossary?: { term: string; plain: string; lang?: string }[];
}

export type ModifierKind = 'negator' | 'intensifier' | 'diminisher' | 'contrast';

export type CustomerCue =
  | { kind: 'emotion'; emotion: CueEmotion; weight: number }
  | { kind: 'sentiment'; valence: number }
  | { kind: 'signal'; signal: SignalId; severity: number }
  | { kind: 'modifier'; modifier: ModifierKind; factor: number }
  | { kind: 'target'; group: string };

export type AgentCue =
  | { kind: 'technique'; id: string; confidence: number; rewrite: string; source: 'lexicon' | 'guidelines' }
  | { kind: 'jargon'; plain: string; source: 'lexicon' | 'guidelines' }
  | { kind: 'signal'; signal: SignalId; severity: number }
  | { kind: 'modifier'; modifier: ModifierKind; factor: number };

export interface CompiledPattern {
  id: string;
  kind: string;
  regex: RegExp;
  confidence: number;
  /** Which script the pattern needs in the text (from its id's `_zh` / `_en` suffix), so others are skipped. */
  script: 'han' | 'latin' | 'any';
}

export interface CompiledLexicon {
  customer: Matcher<CustomerCue>;
  agent: Matcher<AgentCue>;
  patterns: Record<string, CompiledPattern[]>;
  stopwords: Set<string>;
  catalogue: Catalogue;
  techniques: Map<string, CatalogueTechnique>;
  polarity: (id: string) => Polarity;
}

const CUE_EMOTIONS = new Set<string>(EMOTIONS.filter((e) => e !== 'neutral'));
const SIGNAL_IDS = new Set<string>(SIGNALS);
const MODIFIERS = new Set<string>(['negator', 'intensifier', 'diminisher', 'contrast']);
/** Signals that, said by an agent, are unprofessional. */
const AGENT_SIGNALS = new Set<string>(['abuse', 'threat', 'sarcasm']);

/** Checks an organisation's guidelines (user-edited data) and says exactly what is wrong. */
function validateGuidelines(g: Guidelines): void {
  const lists = { doSay: ['phrase', 'technique'], dontSay: ['phrase', 'rewrite'], glossary: ['term', 'plain'] } as const;
  for (const [list, fields] of Object.entries(lists)) {
    const items = (g as Record<string, unknown>)[list];
    if (items === undefined) continue;
    if (!Array.isArray(items)) throw new Error(`tongli: guidelines.${list} must be a list`);
    items.forEach((item: unknown, i) => {
      if (typeof item !== 'object' || item === null) throw new Error(`tongli: guidelines.${list}[${i}] must be an object`);
      for (const field of fields) {
        const v = (item as Record<string, unknown>)[field];
        const required = field === 'phrase' || field === 'term' || field === 'plain';
        if ((required && typeof v !== 'string') || (v !== undefined && typeof v !== 'string')) {
          throw new Error(`tongli: guidelines.${list}[${i}].${field} must be text`);
        }
      }
    });
  }
}

function compilePatterns(raw: RawPattern[]): Record<string, CompiledPattern[]> {
  const out: Record<string, CompiledPattern[]> = {};
  for (const p of raw) {
    const flags = p.flags.includes('g') ? p.flags : `${p.flags}g`;
    const script = p.id.endsWith('_zh') ? 'han' : p.id.endsWith('_en') ? 'latin' : 'any';
    (out[p.kind] ??= []).push({ id: p.id, kind: p.kind, regex: new RegExp(p.regex, flags), confidence: p.confidence, script });
  }
  return out;
}

/**
 * Compiles the raw lexicon (and an organisation's guidelines) into matchers and lookup tables, once per analyser.
 *
 * @example
 * const lexicon = compileLexicon(RAW_LEXICON, { dontSay: [{ phrase: '亲', rewrite: '您好' }] });
 */
export function compileLexicon(
  raw: RawLexicon,
  guidelines: Guidelines = {},
  prepare: (text: string) => string = (t) => t.normalize('NFKC').toLowerCase(),
): CompiledLexicon {
  validateGuidelines(guidelines);
  const clean = (pattern: string) => prepare(pattern).trim();
  const customer: { pattern: string; data: CustomerCue }[] = [];
  const agent: { pattern: string; data: AgentCue }[] = [];
  const stopwords = new Set<string>();

  for (const lang of [raw.zh, raw.en]) {
    for (const [pattern, emotion, weight] of lang.emotion) {
      if (CUE_EMOTIONS.has(emotion)) customer.push({ pattern, data: { kind: 'emotion', emotion: emotion as CueEmotion, weight } });
    }
    for (const [pattern, valence] of lang.sentiment) customer.push({ pattern, data: { kind: 'sentiment', valence } });
    for (const [pattern, signal, severity] of lang.signals) {
      if (!SIGNAL_IDS.has(signal)) continue;
      const data = { kind: 'signal', signal: signal as SignalId, severity } as const;
      customer.push({ pattern, data });
      if (AGENT_SIGNALS.has(signal)) agent.push({ pattern, data });
    }
    for (const [pattern, kind, factor] of lang.modifiers) {
      if (!MODIFIERS.has(kind)) continue;
      const data = { kind: 'modifier', modifier: kind as ModifierKind, factor } as const;
      customer.push({ pattern, data });
      if (kind === 'negator') agent.push({ pattern, data });
    }
    for (const [pattern, id, confidence, rewrite] of lang.techniques) {
      agent.push({ pattern, data: { kind: 'technique', id, confidence, rewrite, source: 'lexicon' } });
    }
    for (const [term, plain] of lang.jargon) agent.push({ pattern: term, data: { kind: 'jargon', plain, source: 'lexicon' } });
    for (const [word] of lang.stopwords) stopwords.add(word);
    for (const [pattern, group] of lang.targets) customer.push({ pattern, data: { kind: 'target', group } });
  }

  for (const item of guidelines.doSay ?? []) {
    if (!item.phrase?.trim()) continue;
    agent.push({
      pattern: clean(item.phrase),
      data: { kind: 'technique', id: item.technique ?? 'guideline_phrase', confidence: 0.9, rewrite: '', source: 'guidelines' },
    });
  }
  for (const item of guidelines.dontSay ?? []) {
    if (!item.phrase?.trim()) continue;
    agent.push({
      pattern: clean(item.phrase),
      data: { kind: 'technique', id: 'guideline_violation', confidence: 0.95, rewrite: item.rewrite ?? '', source: 'guidelines' },
    });
  }
  for (const item of guidelines.glossary ?? []) {
    if (!item.term?.trim() || !item.plain) continue;
    agent.push({ pattern: clean(item.term), data: { kind: 'jargon', plain: item.plain, source: 'guidelines' } });
  }

  const techniques = new Map(raw.catalogue.techniques.map((t) => [t.id, t]));
  return Object.freeze({
    customer: createMatcher(customer),
    agent: createMatcher(agent),
    patterns: compilePatterns(raw.patterns),
    stopwords,
    catalogue: raw.catalogue,
    techniques,
    polarity: (id: string): Polarity => techniques.get(id)?.polarity ?? 'neutral',
  });
}
