import { Tag, Tooltip } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n.js';
import { getConversationSla, listSlaStates, type Expectation, type SlaState } from './api.js';
import { measureRemaining, slaTone } from './format.js';

const REFRESH_MS = 30_000;
const TONE_COLORS = { ok: undefined, warning: 'orange', breached: 'red' } as const;

/** Now, re-read every 30 seconds (for countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * The SLA countdown of a conversation someone waits in: time left to the first or next reply, orange once the warning
 * time has passed, red and counting up once it is late; a tooltip gives the due time (and says when the clock is
 * paused outside business hours).
 */
export function SlaBadge({ state, now }: { state: SlaState | null | undefined; now: number }) {
  const { t, language } = useI18n();
  if (!state) return null;
  const remaining = measureRemaining(state.dueAt, now);
  if (!remaining) return null;
  const tone = slaTone(state, now);
  const vars = { target: t(`sla.target.${state.target}`), value: remaining.value, unit: t(`unit.${remaining.unit}`) };
  const due = new Date(state.dueAt).toLocaleString(language, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <Tooltip title={`${t('sla.badge.due', { due })}${state.running ? '' : ` ${t('sla.badge.paused')}`}`}>
      <Tag color={TONE_COLORS[tone]} className="sla-badge" data-sla={tone}>
        {t(remaining.late ? 'sla.badge.late' : 'sla.badge.left', vars)}
      </Tag>
    </Tooltip>
  );
}

/**
 * SLA clocks of the inbox rows on screen, fetched in one request and refreshed every 30 seconds or when a row's
 * waiting time changes (a reply stops the clock, a new customer message starts one).
 */
export function useSlaStates(rows: readonly { id: string; status: string; waitingSince: string | null }[]): ReadonlyMap<string, SlaState> {
  const key = rows
    .filter((r) => r.waitingSince && (r.status === 'open' || r.status === 'pending'))
    .map((r) => `${r.id}@${r.waitingSince ?? ''}`)
    .sort()
    .join(',');
  const [states, setStates] = useState<ReadonlyMap<string, SlaState>>(new Map());
  useEffect(() => {
    if (!key) {
      setStates(new Map());
      return;
    }
    let live = true;
    const ids = key.split(',').map((entry) => entry.slice(0, entry.indexOf('@')));
    const load = () =>
      listSlaStates(ids).then(
        (items) => live && setStates(new Map(items.map((item) => [item.conversationId, item]))),
        () => undefined,
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key]);
  return states;
}

/** A conversation's SLA clock and proposed expectation message, reloaded whenever `version` changes. */
export function useConversationSla(conversationId: string, version: number) {
  const [loaded, setLoaded] = useState<{ sla: SlaState | null; expectation: Expectation | null }>({ sla: null, expectation: null });
  const [bump, setBump] = useState(0);
  useEffect(() => {
    let live = true;
    getConversationSla(conversationId).then(
      (result) => live && setLoaded(result),
      () => live && setLoaded({ sla: null, expectation: null }),
    );
    return () => {
      live = false;
    };
  }, [conversationId, version, bump]);
  const reload = useCallback(() => setBump((b) => b + 1), []);
  return { ...loaded, reload };
}
