import { CheckOutlined } from '@ant-design/icons';
import { App, Button, Empty, List, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n.js';
import { measureRemaining } from '../sla/format.js';
import { updatePromise, type TrackedPromise } from './api.js';

const STATUS_COLORS = { open: 'blue', overdue: 'red', fulfilled: 'green', cancelled: undefined } as const;

/** When a promise is due: "due in 3 h" / "4 h late", with the exact time in a tooltip. */
function DueTag({ promise, now }: { promise: TrackedPromise; now: number }) {
  const { t, language } = useI18n();
  const remaining = measureRemaining(promise.dueAt, now);
  if (!remaining) return null;
  const exact = new Date(promise.dueAt).toLocaleString(language, { dateStyle: 'short', timeStyle: 'short' });
  const open = promise.status === 'open' || promise.status === 'overdue';
  return (
    <Tooltip title={`${exact}${promise.dueKnown ? '' : ` ${t('promises.dueGuessed')}`} · ${promise.duePhrase}`}>
      <Tag color={open ? STATUS_COLORS[remaining.late ? 'overdue' : 'open'] : undefined} className="promise-due">
        {open
          ? t(remaining.late ? 'promises.late' : 'promises.dueIn', { value: remaining.value, unit: t(`unit.${remaining.unit}`) })
          : t(`promises.status.${promise.status}`)}
      </Tag>
    </Tooltip>
  );
}

/**
 * Tracked promises with their due times, soonest first; an agent marks one kept in one click. With `showContext` each
 * row names the customer and conversation and opens it.
 */
export function PromiseList({
  items,
  now,
  showContext = false,
  onOpen,
  onChanged,
}: {
  items: readonly TrackedPromise[];
  now: number;
  /** Name the conversation (`subject`) or the customer and conversation (`true`), linking to it. */
  showContext?: boolean | 'subject';
  onOpen?(conversationId: string): void;
  onChanged?(promise: TrackedPromise): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const keep = async (promise: TrackedPromise) => {
    setBusy(promise.id);
    try {
      onChanged?.(await updatePromise(promise.id, { status: 'fulfilled' }));
    } catch (e) {
      void message.error(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(null);
    }
  };
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('promises.none')} />;
  return (
    <List
      size="small"
      className="promise-list"
      dataSource={[...items]}
      renderItem={(promise) => (
        <List.Item data-promise={promise.id} data-status={promise.status}>
          <div className="promise-item" style={{ display: 'flex', flexDirection: 'column', gap: 4, width: '100%', minWidth: 0 }}>
            <div style={{ display: 'flex', alignItems: 'center', gap: 6, flexWrap: 'wrap' }}>
              <DueTag promise={promise} now={now} />
              {showContext && onOpen ? (
                <a onClick={() => onOpen(promise.conversationId)} className="promise-context">
                  {showContext === 'subject' ? '' : `${promise.customerName || '—'} · `}
                  {promise.subject || promise.conversationId.slice(0, 8)}
                </a>
              ) : null}
              {(promise.status === 'open' || promise.status === 'overdue') && (
                <Button
                  size="small"
                  type="link"
                  icon={<CheckOutlined />}
                  loading={busy === promise.id}
                  onClick={() => void keep(promise)}
                  style={{ marginLeft: 'auto' }}
                >
                  {t('promises.keep')}
                </Button>
              )}
            </div>
            <Typography.Text className="promise-text">{promise.text}</Typography.Text>
          </div>
        </List.Item>
      )}
    />
  );
}
