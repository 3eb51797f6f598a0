import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { createAnalyzer, type Analyzer, type AnalyzerOptions, type Guidelines, type ScorecardDefinition } from '@tongli/engine';
import { inputError } from './errors.js';

export interface EngineFiles {
  guidelines?: string;
  scorecard?: string;
  /** Model files from `tongli train`, in addition to (or, with noDefaultModels, instead of) the shipped ones. */
  models?: string[];
  noDefaultModels?: boolean;
}

/** The shipped default models (trained on licensed data only, see NOTICE), next to the engine package. */
export function defaultModelPaths(): string[] {
  let dir: string;
  try {
    dir = fileURLToPath(new URL('../models/', import.meta.resolve('@tongli/engine')));
  } catch {
    return [];
  }
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => `${dir}${f}`);
}

let jieba: Jieba | undefined;

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw inputError(`${path}: cannot read the ${what} file`);
  }
  try {
    return JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    throw inputError(`${path}: the ${what} file is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

function engineOptions(files: EngineFiles): AnalyzerOptions {
  const options: AnalyzerOptions = {};
  if (files.guidelines) options.guidelines = readJsonFile(files.guidelines, 'guidelines') as Guidelines;
  if (files.scorecard) options.scorecard = readJsonFile(files.scorecard, 'scorecard') as ScorecardDefinition;
  const paths = [...(files.noDefaultModels ? [] : defaultModelPaths()), ...(files.models ?? [])];
  // A model for the same task and language given explicitly wins over the shipped one (it comes later, picked first).
  if (paths.length > 0) options.models = paths.flatMap((path) => [readJsonFile(path, 'model')].flat()).reverse();
  return options;
}

function build(options: AnalyzerOptions): Analyzer {
  try {
    return createAnalyzer(options);
  } catch (error) {
    throw inputError((error as Error).message);
  }
}

/** The engine as the CLI runs it: jieba segmentation injected, optional guidelines and scorecard files. */
export function createCliAnalyzer(files: EngineFiles = {}): Analyzer {
  jieba ??= Jieba.withDict(dict);
  const segmenter = jieba;
  return build({ ...engineOptions(files), segmenter: { cut: (text: string) => segmenter.cut(text) } });
}

/** Fails fast (exit 2, one line) on unreadable or invalid guidelines / scorecard files before workers start. */
export function validateEngineFiles(files: EngineFiles): void {
  if (files.guidelines || files.scorecard || (files.models?.length ?? 0) > 0) build(engineOptions(files));
}
