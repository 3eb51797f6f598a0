import { useVirtualizer } from '@tanstack/react-virtual';
import { Empty, Skeleton, Tag } from 'antd';
import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ConversationListItem } from '../../api/types.js';
import { EmotionBadge, RiskTags } from '../../components/emotion-badge.js';
import { colorOfEmotion, measureWaiting } from '../../components/emotion.js';
import { useI18n } from '../../i18n/i18n.js';
import type { SlaState } from '../sla/api.js';
import { SlaBadge, useSlaStates } from '../sla/sla-badge.js';
import type { Inbox } from './use-inbox.js';

const ROW_HEIGHT = 84;
const PRIORITY_COLORS = { urgent: 'red', high: 'orange', normal: undefined, low: undefined } as const;

const InboxRow = memo(function InboxRow({
  item,
  index,
  selected,
  tabbable,
  now,
  sla,
  onOpen,
  onFocusRow,
}: {
  item: ConversationListItem;
  index: number;
  selected: boolean;
  /** The one row Tab stops at (roving focus: the arrow keys move between rows). */
  tabbable: boolean;
  now: number;
  /** The SLA clock, while the customer waits. */
  sla?: SlaState | undefined;
  onOpen(id: string): void;
  onFocusRow(index: number): void;
}) {
  const { t } = useI18n();
  const waiting = measureWaiting(item.waitingSince, now);
  const emotion = item.analysis?.lastEmotion;
  return (
    <button
      type="button"
      className={`inbox-row ${selected ? 'inbox-row-selected' : ''}`}
      style={{ borderLeftColor: colorOfEmotion(emotion) }}
      onClick={() => onOpen(item.id)}
      onFocus={() => onFocusRow(index)}
      tabIndex={tabbable ? 0 : -1}
      aria-current={selected ? 'true' : undefined}
      data-conversation-id={item.id}
    >
      <div className="inbox-line">
        <span className="inbox-name">{item.customerName || '—'}</span>
        {item.priority !== 'normal' && item.priority !== 'low' && (
          <Tag color={PRIORITY_COLORS[item.priority]} className="priority-tag">
            {t(`priority.${item.priority}`)}
          </Tag>
        )}
        <span className="inbox-waiting">
          {waiting ? t('inbox.waiting', { value: waiting.value, unit: t(`unit.${waiting.unit}`) }) : ''}
        </span>
      </div>
      <div className="inbox-preview">{item.lastMessage ?? t('inbox.noMessage')}</div>
      <div className="inbox-line">
        <EmotionBadge emotion={emotion} intensity={item.analysis?.lastIntensity} />
        <RiskTags risk={item.analysis?.risk} />
        <SlaBadge state={sla} now={now} />
      </div>
    </button>
  );
});

/** Where each key moves the focus from row `i` of `count`. */
const KEY_MOVES: Readonly<Record<string, (i: number, count: number) => number>> = {
  ArrowDown: (i) => i + 1,
  ArrowUp: (i) => i - 1,
  PageDown: (i) => i + 8,
  PageUp: (i) => i - 8,
  Home: () => 0,
  End: (_, count) => count - 1,
};

/**
 * The virtualised inbox: only the rows on screen exist in the DOM, pages load as they scroll into view. From the
 * keyboard, Tab stops at one row, the arrow keys (and Home, End, Page Up/Down) move between rows, Enter opens one.
 */
export function InboxList({ inbox, selectedId, onOpen }: { inbox: Inbox; selectedId: string | null; onOpen(id: string): void }) {
  const { t } = useI18n();
  const parent = useRef<HTMLDivElement>(null);
  const count = inbox.total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  const { ensureRange } = inbox;
  useEffect(() => {
    if (count > 0) ensureRange(first, last);
  }, [ensureRange, first, last, count]);
  const [cursor, setCursor] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const focusRow = (index: number): boolean => {
    const row = parent.current?.querySelector<HTMLButtonElement>(`[data-index="${index}"] .inbox-row`);
    row?.focus();
    return row !== undefined && row !== null;
  };
  // A row moved to from the keyboard may only exist once the list has scrolled to it.
  useEffect(() => {
    if (pendingFocus.current !== null && focusRow(pendingFocus.current)) pendingFocus.current = null;
  });
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const move = KEY_MOVES[event.key];
    const slot = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!move || !slot || count === 0) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(count - 1, move(Number(slot.dataset.index), count)));
    setCursor(next);
    virtualizer.scrollToIndex(next);
    if (!focusRow(next)) pendingFocus.current = next;
  };
  const tabbable = cursor >= first && cursor <= last ? cursor : first;
  const sla = useSlaStates(items.flatMap((row) => inbox.rowAt(row.index) ?? []));
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  if (inbox.total === 0) return <Empty className="inbox-empty" description={t('inbox.empty')} />;
  return (
    <div ref={parent} className="inbox-scroll" role="list" aria-label={t('inbox.title')} onKeyDown={onKeyDown}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((row) => {
          const item = inbox.rowAt(row.index);
          return (
            <div
              key={row.key}
              role="listitem"
              data-index={row.index}
              className="inbox-slot"
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}
            >
              {item ? (
                <InboxRow
                  item={item}
                  index={row.index}
                  selected={item.id === selectedId}
                  tabbable={row.index === tabbable}
                  now={now}
                  sla={sla.get(item.id)}
                  onOpen={onOpen}
                  onFocusRow={setCursor}
                />
              ) : (
                <Skeleton active paragraph={{ rows: 1 }} title={false} className="inbox-skeleton" />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
