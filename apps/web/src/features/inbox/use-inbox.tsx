import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/instance.js';
import type { ConversationListItem, ConversationStatus } from '../../api/types.js';

export const PAGE_SIZE = 200;

export interface InboxFilters {
  status: ConversationStatus | 'all';
  teamId?: string;
  tag?: string;
}

export interface Inbox {
  total: number | null;
  error: string | null;
  /** The row at an index, undefined while its page loads. */
  rowAt(index: number): ConversationListItem | undefined;
  /** Loads the pages that cover rows [start, end]. */
  ensureRange(start: number, end: number): void;
  /** Re-reads every page loaded so far (after a realtime event). */
  refresh(): void;
}

/** The conversation list in the API's order (most urgent, most upset first), loaded page by page as it scrolls. */
export function useInbox(filters: InboxFilters): Inbox {
  const [pages, setPages] = useState<ReadonlyMap<number, ConversationListItem[]>>(new Map());
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const requested = useRef(new Set<number>());
  const generation = useRef(0);
  const { status, teamId, tag } = filters;

  const load = useCallback(
    (page: number) => {
      const gen = generation.current;
      requested.current.add(page);
      api
        .listConversations({ status, teamId, tag, limit: PAGE_SIZE, offset: page * PAGE_SIZE })
        .then((result) => {
          if (gen !== generation.current) return;
          setTotal(result.total);
          setError(null);
          setPages((old) => new Map(old).set(page, result.items));
        })
        .catch((e: unknown) => {
          if (gen !== generation.current) return;
          requested.current.delete(page);
          setError(e instanceof Error ? e.message : String(e));
        });
    },
    [status, teamId, tag],
  );

  useEffect(() => {
    generation.current++;
    requested.current = new Set();
    setPages(new Map());
    setTotal(null);
    load(0);
  }, [load]);

  const ensureRange = useCallback(
    (start: number, end: number) => {
      for (let page = Math.floor(Math.max(0, start) / PAGE_SIZE); page <= Math.floor(Math.max(0, end) / PAGE_SIZE); page++) {
        if (!requested.current.has(page)) load(page);
      }
    },
    [load],
  );

  const refresh = useCallback(() => {
    for (const page of requested.current) load(page);
  }, [load]);

  const rowAt = useCallback((index: number) => pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE], [pages]);

  return { total, error, rowAt, ensureRange, refresh };
}
