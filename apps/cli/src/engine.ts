import { readFileSync } from 'node:fs';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { createAnalyzer, type Analyzer, type Guidelines, type ScorecardDefinition } from '@tongli/engine';
import { inputError } from './errors.js';

export interface EngineFiles {
  guidelines?: string;
  scorecard?: string;
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

/** The engine as the CLI runs it: jieba segmentation injected, optional guidelines and scorecard files. */
export function createCliAnalyzer(files: EngineFiles = {}): Analyzer {
  jieba ??= Jieba.withDict(dict);
  const segmenter = jieba;
  const options: Parameters<typeof createAnalyzer>[0] = { segmenter: { cut: (text: string) => segmenter.cut(text) } };
  if (files.guidelines) options.guidelines = readJsonFile(files.guidelines, 'guidelines') as Guidelines;
  if (files.scorecard) options.scorecard = readJsonFile(files.scorecard, 'scorecard') as ScorecardDefinition;
  try {
    return createAnalyzer(options);
  } catch (error) {
    throw inputError((error as Error).message);
  }
}
