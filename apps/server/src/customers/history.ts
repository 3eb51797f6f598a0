import { findSentences } from '@tongli/engine';
import type { Executor } from '../repositories/jobs.js';
import { listOpenTrackedPromises } from '../promises/customer.js';
import type { PresentedPromise } from '../promises/presenter.js';
import { canSeeConversation, type Principal } from '../policies/policies.js';
import { listCustomerConversations, listMostNegativeMessages, listOpeningTexts, type ComplaintRow, type HistoryRow } from './repository.js';
import { sameTopic } from './topics.js';

const DAY_MS = 86_400_000;
/** How many recent conversations the summary lists as "last issues". */
const LAST_ISSUES = 3;
/** Promises of resolved conversations stay "open" this long after resolution (the follow-up may still be due). */
const PROMISE_DAYS = 14;
/** Longest complaint sentence shown (the agent reads it at a glance). */
const MAX_SENTENCE = 160;

export interface RepeatContact {
  conversationId: string;
  subject: string;
  daysAgo: number;
  reason: string;
}

/** Whether the conversation was active within `days` before `reference` started. */
function activeSince(row: HistoryRow, reference: HistoryRow, days: number): boolean {
  return row.id === reference.id || (row.last_message_at ?? row.created_at).getTime() >= reference.created_at.getTime() - days * DAY_MS;
}

/** The customer's most negative sentence of a message: the sentence holding the most emotion or negative cues. */
export function pickComplaintSentence(row: ComplaintRow): string {
  const sentences = findSentences(row.body);
  const cues = (row.cues ?? []).filter((c) => c.id.startsWith('emotion:') || c.id === 'sentiment:-');
  let best: { start: number; end: number } | undefined;
  let bestHits = 0;
  for (const s of sentences) {
    const hits = cues.filter((c) => c.span.start < s.end && c.span.end > s.start).length;
    if (hits > bestHits) {
      best = s;
      bestHits = hits;
    }
  }
  const text = (best ? row.body.slice(best.start, best.end) : row.body).trim();
  return text.length > MAX_SENTENCE ? `${text.slice(0, MAX_SENTENCE - 1)}…` : text;
}

/** Improving / worsening / steady from the customer's sentiment over the last conversation (or across conversations). */
function emotionTrend(visible: readonly HistoryRow[]): 'improving' | 'worsening' | 'steady' | 'unknown' {
  const last = visible.find((row) => row.trajectory && row.trajectory.length > 0);
  const points = last?.trajectory ?? [];
  let delta: number | undefined;
  if (points.length >= 2) delta = (points.at(-1)?.sentiment ?? 0) - (points[0]?.sentiment ?? 0);
  else {
    const ends = visible.flatMap((row) => (row.trajectory?.length ? [row.trajectory.at(-1)?.sentiment ?? 0] : [])).slice(0, 2);
    if (ends.length === 2) delta = (ends[0] ?? 0) - (ends[1] ?? 0);
  }
  if (delta === undefined) return 'unknown';
  return delta > 0.2 ? 'improving' : delta < -0.2 ? 'worsening' : 'steady';
}

/**
 * Finds an earlier conversation of the same customer on the same topic within `days` before `reference` started.
 * Only the candidates given are considered (the caller passes those the viewer may see).
 */
export function findRepeatContact(
  reference: HistoryRow,
  candidates: readonly HistoryRow[],
  openings: ReadonlyMap<string, string>,
  days: number,
): RepeatContact | null {
  const since = reference.created_at.getTime() - days * DAY_MS;
  const topic = { subject: reference.subject, tags: reference.tags, customerText: openings.get(reference.id) ?? '' };
  const earlier = candidates
    .filter((row) => row.id !== reference.id && row.created_at.getTime() <= reference.created_at.getTime())
    .filter((row) => (row.last_message_at ?? row.created_at).getTime() >= since)
    .sort((a, b) => b.created_at.getTime() - a.created_at.getTime());
  for (const row of earlier) {
    const match = sameTopic(topic, { subject: row.subject, tags: row.tags, customerText: openings.get(row.id) ?? '' });
    if (!match) continue;
    const last = (row.last_message_at ?? row.created_at).getTime();
    return {
      conversationId: row.id,
      subject: row.subject,
      daysAgo: Math.max(0, Math.round((reference.created_at.getTime() - last) / DAY_MS)),
      reason: match.reason,
    };
  }
  return null;
}

/** What the 360 view shows: the conversations the viewer may see, and the summary built from them only. */
export interface CustomerHistory {
  conversations: HistoryRow[];
  summary: {
    conversationCount: number;
    openCount: number;
    lastIssues: {
      conversationId: string;
      subject: string;
      createdAt: string;
      status: string;
      complaint: { text: string; messageId: string; emotion: string | null; sentiment: number | null } | null;
    }[];
    openPromises: { conversationId: string; subject: string; text: string; due: string; messageIndex: number }[];
    /** Promises tracked with due times (promises module), still to keep. */
    trackedPromises: PresentedPromise[];
    lastEmotion: { emotion: string; intensity: number | null; conversationId: string } | null;
    recentEmotions: string[];
    emotionTrend: 'improving' | 'worsening' | 'steady' | 'unknown';
    satisfaction: { last: number | null; average: number | null };
  };
  repeatContact: RepeatContact | null;
}

/**
 * Reads a customer's history as `principal` may see it and summarises it for an agent: last issues with the
 * customer's key complaint, promises still open, emotion and its trend, satisfaction, and a repeat contact.
 */
export async function loadCustomerHistory(
  db: Executor,
  principal: Principal,
  customerId: string,
  options: { repeatDays: number; now?: Date },
): Promise<CustomerHistory> {
  const now = options.now ?? new Date();
  const visible = (await listCustomerConversations(db, customerId)).filter((row) => canSeeConversation(principal, row));
  const recent = visible.slice(0, LAST_ISSUES);
  const complaints = new Map(
    (
      await listMostNegativeMessages(
        db,
        recent.map((r) => r.id),
      )
    ).map((row) => [row.conversation_id, row]),
  );
  const promiseSince = now.getTime() - PROMISE_DAYS * DAY_MS;
  const openPromises = visible
    .filter((row) => row.status !== 'resolved' || (row.resolved_at && row.resolved_at.getTime() >= promiseSince))
    .flatMap((row) =>
      (row.promises ?? []).map((p) => ({
        conversationId: row.id,
        subject: row.subject,
        text: p.text,
        due: p.due,
        messageIndex: p.message,
      })),
    );
  const analysed = visible.filter((row) => row.last_emotion !== null);
  const satisfactions = visible.flatMap((row) => (row.satisfaction === null ? [] : [row.satisfaction]));
  const latest = visible[0];
  let repeatContact: RepeatContact | null = null;
  if (latest && visible.length > 1) {
    const window = visible.filter((row) => activeSince(row, latest, options.repeatDays));
    const openings = await listOpeningTexts(
      db,
      window.map((row) => row.id),
    );
    repeatContact = findRepeatContact(latest, window, openings, options.repeatDays);
  }
  return {
    conversations: visible,
    summary: {
      conversationCount: visible.length,
      openCount: visible.filter((row) => row.status !== 'resolved').length,
      lastIssues: recent.map((row) => {
        const complaint = complaints.get(row.id);
        return {
          conversationId: row.id,
          subject: row.subject,
          createdAt: row.created_at.toISOString(),
          status: row.status,
          complaint: complaint
            ? {
                text: pickComplaintSentence(complaint),
                messageId: complaint.message_id,
                emotion: complaint.emotion,
                sentiment: complaint.sentiment,
              }
            : null,
        };
      }),
      openPromises,
      trackedPromises: await listOpenTrackedPromises(
        db,
        visible.map((row) => row.id),
        now,
      ),
      lastEmotion: analysed[0]
        ? { emotion: analysed[0].last_emotion ?? 'neutral', intensity: analysed[0].last_intensity, conversationId: analysed[0].id }
        : null,
      recentEmotions: analysed.slice(0, 5).map((row) => row.last_emotion ?? 'neutral'),
      emotionTrend: emotionTrend(visible),
      satisfaction: {
        last: satisfactions[0] ?? null,
        average:
          satisfactions.length === 0 ? null : Math.round((100 * satisfactions.reduce((a, b) => a + b, 0)) / satisfactions.length) / 100,
      },
    },
    repeatContact,
  };
}

/**
 * The repeat contact of one conversation: an earlier conversation of its customer on the same topic within `days`
 * (only conversations the viewer may see are considered).
 */
export async function loadRepeatContact(
  db: Executor,
  principal: Principal,
  conversationId: string,
  customerId: string,
  days: number,
): Promise<RepeatContact | null> {
  const rows = (await listCustomerConversations(db, customerId)).filter((row) => canSeeConversation(principal, row));
  const reference = rows.find((row) => row.id === conversationId);
  if (!reference) return null;
  const window = rows.filter((row) => activeSince(row, reference, days));
  const openings = await listOpeningTexts(
    db,
    window.map((row) => row.id),
  );
  return findRepeatContact(reference, window, openings, days);
}
