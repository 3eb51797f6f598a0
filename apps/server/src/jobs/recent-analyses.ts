import type { AnalysisStamp, MessageResult } from './analysis-rows.js';

/** About 1.5 KB each in memory: ~30 MB at most. */
const MAX_ENTRIES = 20_000;

/**
 * The message analyses this process made most recently, so a conversation's refresh reuses its earlier turns instead
 * of analysing them again. Keyed by the analyser's stamp too: after a guidelines or engine change nothing stale is
 * reused. A miss (another process analysed the turn, or a restart) only costs the analysis it saves. Loading the stored
 * analyses instead was tried: parsing them on every refresh held the event loop longer than analysing short turns.
 */
export function createRecentAnalyses(max = MAX_ENTRIES) {
  const entries = new Map<string, MessageResult>();
  return {
    get(stamp: AnalysisStamp, messageId: string): MessageResult | undefined {
      const key = `${stamp.version}:${stamp.lexiconHash}:${messageId}`;
      const found = entries.get(key);
      if (found) {
        // Most recently used last, so eviction takes the least recently used.
        entries.delete(key);
        entries.set(key, found);
      }
      return found;
    },
    set(stamp: AnalysisStamp, messageId: string, result: MessageResult): void {
      const key = `${stamp.version}:${stamp.lexiconHash}:${messageId}`;
      entries.delete(key);
      entries.set(key, result);
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
    },
    get size(): number {
      return entries.size;
    },
  };
}

export type RecentAnalyses = ReturnType<typeof createRecentAnalyses>;
