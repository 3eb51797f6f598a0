import type { NormalizedText } from '@tongli/engine';
import type { AnalysisStamp, KnownTurn, MessageResult } from './analysis-rows.js';

/** A customer message or reply as the analysis reads it from the database. */
export interface TurnRow {
  id: string;
  conversation_id: string;
  type: string;
  body: string;
  seq: number;
}

/** Estimated bytes held at most: the turns' text and analyses of a few thousand busy conversations. */
const MAX_BYTES = 160_000_000;
/** Estimated heap size of one message analysis (its cues, scores, signals and spans). */
const ANALYSIS_BYTES = 1_500;
/** Estimated bytes a character of a kept normalised text takes: its text and its offset into the original. */
const NORMALIZED_BYTES_PER_CHAR = 6;
/**
 * A window older than this is read again in full. Messages get their `seq` when inserted but become visible when
 * committed, so one committed out of order (another process's) can be missing from a window read by `seq` alone.
 */
const FULL_READ_MS = 5_000;

/** A turn's analysis and normalised text with the analyser (stamp) that made them. */
interface KnownAnalysis extends KnownTurn {
  stamp: string;
  bytes: number;
}

interface Window {
  rows: TurnRow[];
  /** Analyses of the window's turns by message id. */
  analyses: Map<string, KnownAnalysis>;
  bytes: number;
  readAt: number;
}

/** Only what analysis reads: a message row carries more (metadata) that the cache need not keep. */
function slim(row: TurnRow): TurnRow {
  return { id: row.id, conversation_id: row.conversation_id, type: row.type, body: row.body, seq: row.seq };
}

let lastStamp: AnalysisStamp | undefined;
let lastKey = '';
/** The stamp as one string; asked for every turn of every refresh with the same stamp object, so the last is kept. */
function stampKey(stamp: AnalysisStamp): string {
  if (stamp !== lastStamp) {
    lastStamp = stamp;
    lastKey = `${stamp.version}:${stamp.lexiconHash}`;
  }
  return lastKey;
}

/**
 * The most recent turns of the conversations this thread analysed lately, with the analyses it made of them, so each
 * batch reads only the turns added since (`after`) instead of every conversation's whole window (~14 rows with their
 * text per message), and a conversation's refresh reuses its earlier turns' analyses instead of analysing them again.
 * Evicts whole conversations, least recently read first: a conversation's refresh needs all of its turns, which a
 * cache of single messages lost for every busy conversation at once. A miss costs only the read or analysis it saves.
 * Loading the stored analyses instead was tried: parsing them on every refresh cost more than analysing short turns.
 */
export function createRecentTurns(options: { maxTurns: number; maxBytes?: number; fullReadMs?: number; now?: () => number }) {
  const { maxTurns, maxBytes = MAX_BYTES, fullReadMs = FULL_READ_MS, now = Date.now } = options;
  const windows = new Map<string, Window>();
  let bytes = 0;

  const sizeOf = (window: Pick<Window, 'rows' | 'analyses'>) => {
    let sum = 0;
    for (const row of window.rows) sum += 2 * row.body.length;
    for (const known of window.analyses.values()) sum += known.bytes;
    return sum;
  };

  const store = (conversationId: string, rows: TurnRow[], readAt: number, analyses = new Map<string, KnownAnalysis>()): void => {
    const kept = rows.length > maxTurns ? rows.slice(-maxTurns) : rows;
    if (kept.length < rows.length) {
      const ids = new Set(kept.map((row) => row.id));
      for (const id of analyses.keys()) if (!ids.has(id)) analyses.delete(id);
    }
    const old = windows.get(conversationId);
    if (old) bytes -= old.bytes;
    windows.delete(conversationId);
    const window = { rows: kept, analyses, bytes: 0, readAt };
    window.bytes = sizeOf(window);
    windows.set(conversationId, window);
    bytes += window.bytes;
    evict();
  };

  // Least recently used first: Map keeps insertion order and every store re-inserts.
  const evict = (): void => {
    for (const [id, window] of windows) {
      if (bytes <= maxBytes || windows.size === 1) break;
      windows.delete(id);
      bytes -= window.bytes;
    }
  };

  return {
    /** The `seq` after which this conversation's turns must be read: 0 (all of them) when unknown or due in full. */
    after(conversationId: string): number {
      const window = windows.get(conversationId);
      if (!window || now() - window.readAt > fullReadMs) return 0;
      return window.rows.at(-1)?.seq ?? 0;
    },

    /** Records what a read `after(conversationId)` returned, oldest first. */
    read(conversationId: string, after: number, rows: readonly TurnRow[]): void {
      const window = windows.get(conversationId);
      if (after === 0) {
        // A full read keeps the analyses already made: the turns did not change, only the window's completeness.
        store(conversationId, rows.map(slim), now(), window?.analyses);
        return;
      }
      // Evicted since `after` was asked: the rows alone are not the window.
      if (!window) return;
      const added = rows.filter((row) => row.seq > after).map(slim);
      store(conversationId, [...window.rows, ...added], window.readAt, window.analyses);
    },

    /**
     * Adds a turn known from elsewhere (a message of the batch): one committed after a later one was read would
     * otherwise be missing until the next full read. Ignored when older than the window, which must stay a suffix.
     */
    add(row: TurnRow): void {
      const window = windows.get(row.conversation_id);
      if (!window || window.rows.some((r) => r.seq === row.seq)) return;
      const first = window.rows[0];
      if (first && row.seq < first.seq && window.rows.length >= maxTurns) return;
      const rows = [...window.rows, slim(row)].sort((a, b) => a.seq - b.seq);
      store(row.conversation_id, rows, window.readAt, window.analyses);
    },

    /** The conversation's most recent turns, oldest first (empty when unknown). */
    turns(conversationId: string): readonly TurnRow[] {
      return windows.get(conversationId)?.rows ?? [];
    },

    /** This analyser's analysis (and normalised text, when kept) of a turn of the window, when it made one. */
    analysis(stamp: AnalysisStamp, turn: Pick<TurnRow, 'id' | 'conversation_id'>): KnownTurn | undefined {
      const found = windows.get(turn.conversation_id)?.analyses.get(turn.id);
      return found && found.stamp === stampKey(stamp) ? found : undefined;
    },

    /**
     * Keeps a turn's analysis with its window, and its normalised text, so each later refresh of the conversation
     * normalises only its new turns (a turn older than the window is not kept).
     */
    remember(
      stamp: AnalysisStamp,
      turn: Pick<TurnRow, 'id' | 'conversation_id'>,
      result: MessageResult,
      normalized?: NormalizedText,
    ): void {
      const window = windows.get(turn.conversation_id);
      if (!window?.rows.some((row) => row.id === turn.id)) return;
      const size = ANALYSIS_BYTES + (normalized ? NORMALIZED_BYTES_PER_CHAR * normalized.text.length : 0);
      const delta = size - (window.analyses.get(turn.id)?.bytes ?? 0);
      window.bytes += delta;
      bytes += delta;
      window.analyses.set(turn.id, { stamp: stampKey(stamp), result, ...(normalized ? { normalized } : {}), bytes: size });
      evict();
    },

    get bytes(): number {
      return bytes;
    },
  };
}

export type RecentTurns = ReturnType<typeof createRecentTurns>;
