import { createCoach } from './coach/coach.js';
import { createConversationAnalyzer } from './conversation/analyze.js';
import { createCustomerAnalyzer } from './emotion/customer.js';
import { resolveTuning, type Tuning } from './emotion/tuning.js';
import { RAW_LEXICON } from './generated/lexicons.js';
import { compileLexicon, type Guidelines } from './lexicon/compile.js';
import type { Catalogue } from './lexicon/raw.js';
import { validateScorecard, type ScorecardDefinition } from './qa/scorecard.js';
import { createPredictor } from './tasks/predict.js';
import { createLearnedLayer, type LearnedLayer } from './model/learned.js';
import { createAgentAnalyzer } from './techniques/agent.js';
import { createNormalizer, type NormalizedText } from './text/normalize.js';
import { createFallbackSegmenter, type Segmenter } from './text/segmenter.js';

export interface AnalyzerOptions {
  /** Word segmentation (inject `@node-rs/jieba`); defaults to a dictionary-free fallback. */
  segmenter?: Segmenter;
  /** The organisation's do-say / don't-say phrases and glossary, merged with the defaults. */
  guidelines?: Guidelines;
  /** A QA scorecard replacing the default empathy scorecard. */
  scorecard?: ScorecardDefinition;
  /** Learned models (`tongli train` output, parsed JSON or `LinearModel`s) that complement the rules. */
  models?: readonly unknown[];
  /** Overrides of the tuned numbers (mostly for experiments). */
  tuning?: { customer?: Partial<Tuning['customer']>; tasks?: Partial<Tuning['tasks']> };
}

/**
 * Builds an analyser: compiles lexicons, guidelines and patterns once, and returns frozen, pure functions.
 *
 * @example
 * const analyzer = createAnalyzer();
 * analyzer.analyzeCustomer('我已经打了三次电话了！！！').emotion; // 'frustration'
 * analyzer.coach('给您带来的不便深表歉意', { customer: '等了两天了' }).hints[0]?.rewrite;
 */
export function createAnalyzer(options: AnalyzerOptions = {}) {
  if (options.guidelines !== undefined && (typeof options.guidelines !== 'object' || options.guidelines === null)) {
    throw new TypeError('tongli: guidelines must be an object with doSay, dontSay and glossary lists');
  }
  const normalize = createNormalizer();
  // Guideline phrases go through the same normaliser as the text they are matched against.
  const lexicon = compileLexicon(RAW_LEXICON, options.guidelines, (text) => normalize(text).text);
  const base = resolveTuning(RAW_LEXICON.tuning);
  const tuning: Tuning = {
    customer: { ...base.customer, ...options.tuning?.customer },
    tasks: { ...base.tasks, ...options.tuning?.tasks },
  };
  const scorecard = validateScorecard(options.scorecard ?? RAW_LEXICON.scorecard);
  const segmenter = options.segmenter ?? createFallbackSegmenter();
  const rulesCustomer = createCustomerAnalyzer({ lexicon, normalize, tuning: tuning.customer });
  // The learned layer reads the rules' outputs as features, so it is built on the rules-only analysers.
  const rulesAgent = createAgentAnalyzer({ lexicon, normalize, segmenter, analyzeCustomer: rulesCustomer, tuning: tuning.tasks });
  const rulesConversation = createConversationAnalyzer({
    lexicon,
    normalize,
    analyzeCustomer: rulesCustomer,
    agent: rulesAgent,
    scorecard,
    tuning: tuning.tasks,
  });
  let learned: LearnedLayer;
  try {
    learned = createLearnedLayer({
      normalize,
      analyzeCustomer: rulesCustomer,
      agent: rulesAgent,
      analyzeConversation: rulesConversation,
      techniqueIds: lexicon.catalogue.techniques.map((t) => t.id),
      models: options.models ?? [],
    });
  } catch (error) {
    throw new Error((error as Error).message.startsWith('tongli: ') ? (error as Error).message : `tongli: ${(error as Error).message}`);
  }
  // What users see: customer messages refined by the customer-message models when any are loaded.
  const refined = learned.models.all.some((m) => m.task === 'emotion' || m.task === 'sentiment' || m.task === 'abuse');
  const analyzeCustomer = refined
    ? (text: string, prepared?: NormalizedText) => {
        const norm = prepared ?? normalize(text);
        return learned.refineCustomer(rulesCustomer(text, norm), text, norm);
      }
    : rulesCustomer;
  const agent = refined ? createAgentAnalyzer({ lexicon, normalize, segmenter, analyzeCustomer, tuning: tuning.tasks }) : rulesAgent;
  const analyzeConversation = refined
    ? createConversationAnalyzer({ lexicon, normalize, analyzeCustomer, agent, scorecard, tuning: tuning.tasks })
    : rulesConversation;
  const coach = createCoach(lexicon, agent, analyzeCustomer);
  const predict = createPredictor({
    analyzeCustomer: rulesCustomer,
    agent: rulesAgent,
    analyzeConversation: rulesConversation,
    tuning: tuning.tasks,
    learned,
  });

  return Object.freeze({
    normalize,
    analyzeCustomer,
    analyzeAgent: agent.analyzeAgent,
    analyzeConversation,
    coach,
    predict,
    /** Trains a model for a task on labelled rows; pass it back through `models` (or save it with `serializeModel`). */
    train: learned.train,
    models: learned.models.all,
    catalogue: lexicon.catalogue as Readonly<Catalogue>,
    scorecard: scorecard as Readonly<ScorecardDefinition>,
  });
}

export type Analyzer = ReturnType<typeof createAnalyzer>;
