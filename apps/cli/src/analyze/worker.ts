import type { Analyzer } from '@tongli/engine';
import { createCliAnalyzer, type EngineFiles } from '../engine.js';
import type { InputDialogue } from '../io/dialogues.js';
import { processBatch, type BatchResult, type ProcessOptions } from './process.js';

export interface WorkerTask {
  dialogues: InputDialogue[];
  options: ProcessOptions;
  files: EngineFiles;
}

let analyzer: Analyzer | undefined;

/** Piscina entry point: one analyser per worker thread, built on its first batch. */
export default function run(task: WorkerTask): BatchResult {
  analyzer ??= createCliAnalyzer(task.files);
  return processBatch(task.dialogues, analyzer, task.options);
}
