import type { Analyzer } from '@tongli/engine';
import { createCliAnalyzer, type EngineFiles } from '../engine.js';
import type { InputDialogue, RawLine } from '../io/dialogues.js';
import { processBatch, type BatchResult, type ProcessOptions } from './process.js';

export interface WorkerTask {
  items: (InputDialogue | RawLine)[];
  source: string;
  options: ProcessOptions;
  files: EngineFiles;
}

let analyzer: Analyzer | undefined;

/** Piscina entry point: one analyser per worker thread, built on its first batch. */
export default function run(task: WorkerTask): BatchResult {
  analyzer ??= createCliAnalyzer(task.files);
  return processBatch(task.items, analyzer, task.options, task.source);
}
