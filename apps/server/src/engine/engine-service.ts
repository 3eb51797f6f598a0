import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { createAnalyzer, type Analyzer, type Guidelines, type ScorecardDefinition, type Turn } from '@tongli/engine';

const ENGINE_VERSION: string = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.resolve('@tongli/engine'))), 'utf8')) as {
    version: string;
  }
).version;

function readDefaultModels(): unknown[] {
  const dir = fileURLToPath(new URL('../models/', import.meta.resolve('@tongli/engine')));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as unknown);
}

function readModelFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(`tongli: cannot load the model ${path} (${(error as Error).message.split('\n')[0]})`);
  }
}

let jieba: Jieba | undefined;
let defaultModels: unknown[] | undefined;

export interface EngineService {
  /** The analyser for the current guidelines; replaced (not mutated) when they change. */
  readonly analyzer: Analyzer;
  /** Engine version; analyses made by another version are re-analysed by the backfill job. */
  readonly version: string;
  /** Hash of the lexicon, guidelines, scorecard and models the analyser was built from. */
  readonly lexiconHash: string;
  /** Rebuilds the analyser with new guidelines (keeping the scorecard), without a restart. */
  applyGuidelines(guidelines: Guidelines | undefined): void;
  /** Rebuilds the analyser with a new QA scorecard (keeping the guidelines); undefined = the engine's default. Throws on an invalid one. */
  applyScorecard(scorecard: ScorecardDefinition | undefined): void;
  /** Rebuilds the analyser with the given parts; a part left out keeps its current value. Throws (and keeps the old analyser) on invalid input. */
  configure(parts: { guidelines?: Guidelines | undefined; scorecard?: ScorecardDefinition | undefined }): void;
  /** With the customer's name, replies that use it count as personalised (as each reply's own analysis does). */
  analyzeConversation(id: string, turns: Turn[], customerName?: string | null): ReturnType<Analyzer['analyzeConversation']>;
}

/**
 * The engine as the server runs it: jieba segmentation, the shipped default models, the organisation's guidelines.
 * @example
 * const engine = createEngineService({ guidelines: undefined });
 * engine.analyzer.analyzeCustomer('等了三天还没到！').emotion; // 'anger'
 */
export function createEngineService(
  options: {
    guidelines?: Guidelines | undefined;
    scorecard?: ScorecardDefinition | undefined;
    models?: boolean;
    modelFiles?: readonly string[];
  } = {},
): EngineService {
  jieba ??= Jieba.withDict(dict);
  const segmenter = jieba;
  // A centre's own models (`tongli train`, TONGLI_MODELS) come first, so they win over the shipped ones for their task.
  const own = (options.modelFiles ?? []).map((path) => readModelFile(path));
  const models = [...own, ...(options.models === false ? [] : (defaultModels ??= readDefaultModels()))];
  let analyzer: Analyzer;
  let lexiconHash = '';
  let current: { guidelines: Guidelines | undefined; scorecard: ScorecardDefinition | undefined } = {
    guidelines: options.guidelines,
    scorecard: options.scorecard,
  };
  const build = (guidelines: Guidelines | undefined, scorecard: ScorecardDefinition | undefined): void => {
    const next = createAnalyzer({
      segmenter: { cut: (text: string) => segmenter.cut(text) },
      models,
      ...(guidelines ? { guidelines } : {}),
      ...(scorecard ? { scorecard } : {}),
    });
    // The default scorecard stays out of the hash, so hashes (and analyses) made before scorecards were editable stay valid.
    const parts: unknown[] = [next.catalogue, guidelines ?? null, next.models.map((m) => [m.task, m.labels, m.meta])];
    if (scorecard) parts.push(scorecard);
    analyzer = next;
    current = { guidelines, scorecard };
    lexiconHash = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
  };
  const configure = (p: { guidelines?: Guidelines | undefined; scorecard?: ScorecardDefinition | undefined }): void =>
    build('guidelines' in p ? p.guidelines : current.guidelines, 'scorecard' in p ? p.scorecard : current.scorecard);
  build(current.guidelines, current.scorecard);
  return {
    get analyzer() {
      return analyzer;
    },
    version: ENGINE_VERSION,
    get lexiconHash() {
      return lexiconHash;
    },
    applyGuidelines: (guidelines) => configure({ guidelines }),
    applyScorecard: (scorecard) => configure({ scorecard }),
    configure,
    analyzeConversation: (id, turns, customerName) =>
      analyzer.analyzeConversation({ id, turns, ...(customerName ? { customerName } : {}) }),
  };
}
