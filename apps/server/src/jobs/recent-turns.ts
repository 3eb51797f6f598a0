/** A customer message or reply as the analysis reads it from the database. */
export interface TurnRow {
  id: string;
  conversation_id: string;
  type: string;
  body: string;
  seq: number;
}

/** Characters of message text held at most (~64 MB of strings). */
const MAX_CHARS = 32_000_000;
/**
 * A window older than this is read again in full. Messages get their `seq` when inserted but become visible when
 * committed, so one committed out of order (another process's) can be missing from a window read by `seq` alone.
 */
const FULL_READ_MS = 5_000;

/** Only what analysis reads: a message row carries more (metadata) that the cache need not keep. */
function slim(row: TurnRow): TurnRow {
  return { id: row.id, conversation_id: row.conversation_id, type: row.type, body: row.body, seq: row.seq };
}

interface Window {
  rows: TurnRow[];
  chars: number;
  readAt: number;
}

/**
 * The most recent turns of the conversations this thread analysed lately, so each batch reads only the turns added
 * since (`after`) instead of every conversation's whole window: per message, that was ~14 rows with their text.
 */
export function createRecentTurns(options: { maxTurns: number; maxChars?: number; fullReadMs?: number; now?: () => number }) {
  const { maxTurns, maxChars = MAX_CHARS, fullReadMs = FULL_READ_MS, now = Date.now } = options;
  const windows = new Map<string, Window>();
  let chars = 0;

  const store = (conversationId: string, rows: TurnRow[], readAt: number): void => {
    const kept = rows.length > maxTurns ? rows.slice(-maxTurns) : rows;
    const size = kept.reduce((sum, row) => sum + row.body.length, 0);
    const old = windows.get(conversationId);
    if (old) chars -= old.chars;
    windows.delete(conversationId);
    windows.set(conversationId, { rows: kept, chars: size, readAt });
    chars += size;
    // Least recently used first: Map keeps insertion order and every store re-inserts.
    for (const [id, window] of windows) {
      if (chars <= maxChars || windows.size === 1) break;
      windows.delete(id);
      chars -= window.chars;
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
      if (after === 0) {
        store(conversationId, rows.map(slim), now());
        return;
      }
      // Evicted since `after` was asked: the rows alone are not the window.
      const window = windows.get(conversationId);
      if (window) store(conversationId, [...window.rows, ...rows.filter((row) => row.seq > after).map(slim)], window.readAt);
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
      store(row.conversation_id, rows, window.readAt);
    },

    /** The conversation's most recent turns, oldest first (empty when unknown). */
    turns(conversationId: string): readonly TurnRow[] {
      return windows.get(conversationId)?.rows ?? [];
    },

    get chars(): number {
      return chars;
    },
  };
}

export type RecentTurns = ReturnType<typeof createRecentTurns>;
