/**
 * Gold labels of the evaluation sets, read through `tasks.json` (passed in — the engine does no I/O),
 * and the mapping of the engine's predictions onto the same label space.
 */
import type { Task } from '../tasks/predict.js';

export interface TaskMap {
  emotion: { scored_as: Record<string, string>; sets: Record<string, Record<string, string | null>> };
  sentiment: { sets: Record<string, Record<string, string | null> | { field: string; map: Record<string, string | null> }> };
  abuse: { sets: Record<string, Record<string, string | null>> };
  strategy: { product_to_class: Record<string, string>; sets: Record<string, string> };
  empathy: { mechanisms: Record<string, string>; levels: Record<string, number> };
  satisfaction: { sets: string[] };
}

export interface GoldRow {
  label?: string;
  labels?: string[];
  satisfaction?: string;
  [field: string]: unknown;
}

/** The gold label of a row for a task and set, or null when the mapping skips the row. */
export function goldLabel(map: TaskMap, task: Task, set: string, row: GoldRow): string | null {
  switch (task) {
    case 'emotion': {
      const m = map.emotion.sets[set];
      if (!m) return null;
      const raw = Array.isArray(row.labels) ? row.labels : row.label !== undefined ? [row.label] : [];
      const mapped = new Set(raw.map((l) => m[l]).filter((l): l is string => typeof l === 'string'));
      return mapped.size === 1 ? ([...mapped][0] ?? null) : null;
    }
    case 'sentiment': {
      const m = map.sentiment.sets[set];
      if (!m) return null;
      if (typeof m.field === 'string' && typeof m.map === 'object' && m.map !== null) {
        const inner = m.map as Record<string, string | null>;
        const values = row[m.field];
        const raw = Array.isArray(values) ? (values as string[]) : [];
        const mapped = new Set(raw.map((l) => inner[l]).filter((l): l is string => typeof l === 'string'));
        return mapped.size === 1 ? ([...mapped][0] ?? null) : null;
      }
      return typeof row.label === 'string' ? ((m as Record<string, string | null>)[row.label] ?? null) : null;
    }
    case 'abuse': {
      const m = map.abuse.sets[set];
      return m && typeof row.label === 'string' ? (m[row.label] ?? null) : null;
    }
    case 'strategy':
      return map.strategy.sets[set] !== undefined && typeof row.label === 'string' ? row.label : null;
    case 'empathy':
      return map.empathy.mechanisms[set] !== undefined && typeof row.label === 'string'
        ? String(map.empathy.levels[row.label] ?? '') || null
        : null;
    case 'satisfaction':
      return map.satisfaction.sets.includes(set) && typeof row.satisfaction === 'string' ? row.satisfaction : null;
  }
}

/** Maps a prediction onto the set's label space (e.g. `frustration` → `anger`, `paraphrase` → `Restatement or Paraphrasing`). */
export function predictedLabel(map: TaskMap, task: Task, set: string, prediction: Record<string, unknown>, binary: boolean): string {
  const label = String(prediction.label ?? '');
  switch (task) {
    case 'emotion':
      return map.emotion.scored_as[label] ?? label;
    case 'sentiment':
      if (binary && label === 'neutral')
        return Number(prediction.score) > 0 ? 'positive' : Number(prediction.score) < 0 ? 'negative' : 'neutral';
      return label;
    case 'strategy':
      return map.strategy.product_to_class[label] ?? 'Others';
    case 'empathy': {
      const mechanism = map.empathy.mechanisms[set] ?? '';
      return String(prediction[mechanism] ?? 0);
    }
    default:
      return label;
  }
}

/** The sets a task can be evaluated on, from the map. */
export function setsOf(map: TaskMap, task: Task): string[] {
  switch (task) {
    case 'emotion':
      return Object.keys(map.emotion.sets);
    case 'sentiment':
      return Object.keys(map.sentiment.sets);
    case 'abuse':
      return Object.keys(map.abuse.sets);
    case 'strategy':
      return Object.keys(map.strategy.sets);
    case 'empathy':
      return Object.keys(map.empathy.mechanisms);
    case 'satisfaction':
      return [...map.satisfaction.sets];
  }
}
