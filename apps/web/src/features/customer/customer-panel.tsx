import { Alert, Empty, List, Spin, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/instance.js';
import type { Customer360, CustomerHistoryItem } from '../../api/types.js';
import { colorOfEmotion } from '../../components/emotion.js';
import { useI18n } from '../../i18n/i18n.js';
import { trackedPromisesOf } from '../promises/api.js';
import { CustomerPromises } from '../promises/customer-promises.js';

type Loaded = { full: Customer360 } | { name: string; conversations: CustomerHistoryItem[] };

/**
 * Customer 360: identities, repeat-contact warning, open promises, what the customer already said and every other
 * conversation. Falls back to the conversation list filtered by customer when the profile route is not available.
 */
export function CustomerPanel({
  customerId,
  customerName,
  currentId,
  onOpen,
}: {
  customerId: string;
  customerName: string;
  currentId: string;
  onOpen(id: string): void;
}) {
  const { t } = useI18n();
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    let alive = true;
    setLoaded(null);
    api.getCustomer(customerId).then(
      (full) => alive && setLoaded({ full }),
      () =>
        api.listConversations({ status: 'all', customerId, limit: 50, offset: 0 }).then(
          (page) =>
            alive &&
            setLoaded({
              name: customerName,
              conversations: page.items.map((c) => ({
                id: c.id,
                channel: '',
                status: c.status,
                subject: c.subject,
                createdAt: c.createdAt,
                lastEmotion: c.analysis?.lastEmotion ?? null,
              })),
            }),
          () => alive && setLoaded({ name: customerName, conversations: [] }),
        ),
    );
    return () => {
      alive = false;
    };
  }, [customerId, customerName]);

  if (!loaded) return <Spin className="panel-spinner" />;
  const full = 'full' in loaded ? loaded.full : null;
  const name = full ? full.customer.name : 'name' in loaded ? loaded.name : '';
  const others = (full ? full.conversations : 'conversations' in loaded ? loaded.conversations : []).filter((c) => c.id !== currentId);
  return (
    <aside className="customer-panel" aria-label={t('customer.title')}>
      <Typography.Text type="secondary" className="panel-label">
        {t('customer.title')}
      </Typography.Text>
      <Typography.Title level={5} className="customer-name">
        {name || '—'}
      </Typography.Title>
      {full && (
        <>
          <div className="identities">
            {full.customer.identities.map((i) => (
              <div key={`${i.kind}:${i.value}`} className="identity">
                <Typography.Text type="secondary">{i.kind}</Typography.Text> {i.value}
              </div>
            ))}
          </div>
          {full.summary.emotionTrend !== 'unknown' && <Tag>{t(`customer.trend.${full.summary.emotionTrend}`)}</Tag>}
          {full.repeatContact && (
            <Alert
              type="warning"
              showIcon
              className="panel-block"
              title={t('customer.repeat', { days: full.repeatContact.daysAgo, subject: full.repeatContact.subject })}
            />
          )}
          <CustomerPromises items={trackedPromisesOf(full.summary)} onOpen={onOpen} />
          {full.summary.openPromises.length > 0 && trackedPromisesOf(full.summary).length === 0 && (
            <div className="panel-block">
              <Typography.Text strong>{t('customer.openPromises')}</Typography.Text>
              <ul className="plain-list">
                {full.summary.openPromises.map((p) => (
                  <li key={`${p.conversationId}:${p.text}`}>
                    {p.text} <Tag>{p.due}</Tag>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {full.summary.lastIssues.some((i) => i.complaint) && (
            <div className="panel-block">
              <Typography.Text strong>{t('customer.lastIssues')}</Typography.Text>
              <ul className="plain-list">
                {full.summary.lastIssues.flatMap((i) =>
                  i.complaint
                    ? [
                        <li key={i.conversationId} className="quote">
                          {i.complaint.text}
                        </li>,
                      ]
                    : [],
                )}
              </ul>
            </div>
          )}
        </>
      )}
      <div className="panel-block">
        <Typography.Text strong>{t('customer.history')}</Typography.Text>
        {others.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customer.noHistory')} />
        ) : (
          <List
            size="small"
            dataSource={others}
            renderItem={(c) => (
              <List.Item className="history-item" onClick={() => onOpen(c.id)}>
                <span className="emotion-dot" style={{ background: colorOfEmotion(c.lastEmotion) }} />
                <a className="history-subject">{c.subject || c.id.slice(0, 8)}</a>
                <Tag>{t(`status.${c.status}`)}</Tag>
              </List.Item>
            )}
          />
        )}
      </div>
    </aside>
  );
}
