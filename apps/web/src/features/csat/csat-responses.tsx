import { Alert, Card, Select, Space, Statistic, Table, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { EmotionBadge } from '../../components/emotion-badge.js';
import { useI18n } from '../../i18n/i18n.js';
import { lastDays } from '../analytics/api.js';
import {
  fetchSurveys,
  fetchSurveySummary,
  formatAverage,
  formatShare,
  type CsatListItem,
  type CsatQuery,
  type CsatSummary,
} from './api.js';
import { Stars } from './conversation-csat.js';

type Show = 'all' | 'answered' | 'low' | 'pending';

const QUERY_OF: Record<Show, Pick<CsatQuery, 'answered' | 'maxRating'>> = {
  all: {},
  answered: { answered: true },
  low: { answered: true, maxRating: 2 },
  pending: { answered: false },
};

/** Answers per rating as thin bars, 1 to 5. */
export function Distribution({ counts }: { counts: readonly number[] }) {
  const { t } = useI18n();
  const most = Math.max(1, ...counts);
  return (
    <div className="csat-distribution" role="list" aria-label={t('csat.distribution')}>
      {[5, 4, 3, 2, 1].map((rating) => {
        const n = counts[rating - 1] ?? 0;
        return (
          <div key={rating} role="listitem" data-rating={rating} style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
            <span style={{ width: 16 }}>{rating}</span>
            <span style={{ flex: 1, background: '#f0f0f0', height: 8, borderRadius: 4 }}>
              <span
                style={{
                  display: 'block',
                  height: 8,
                  borderRadius: 4,
                  width: `${Math.round((n / most) * 100)}%`,
                  background: rating <= 2 ? '#cf1322' : rating === 3 ? '#d4b106' : '#389e0d',
                }}
              />
            </span>
            <span style={{ width: 32, textAlign: 'right' }}>{n}</span>
          </div>
        );
      })}
    </div>
  );
}

/**
 * The survey responses (settings tab `csat`): totals for the period (sent, response rate, average, distribution) and
 * the answers, newest first, with the customer's comment as text and its emotion. The server scopes what each role
 * sees (supervisors their teams).
 */
export function CsatResponses() {
  const { t, language } = useI18n();
  const [days, setDays] = useState(30);
  const [show, setShow] = useState<Show>('answered');
  const [items, setItems] = useState<CsatListItem[] | null>(null);
  const [summary, setSummary] = useState<CsatSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const period = useMemo(() => lastDays(days), [days]);

  useEffect(() => {
    const controller = new AbortController();
    const query: CsatQuery = { ...period, ...QUERY_OF[show], limit: 200 };
    Promise.all([fetchSurveys(query, controller.signal), fetchSurveySummary(period, 'agent', controller.signal)]).then(
      ([list, totals]) => {
        setItems(list);
        setSummary(totals);
        setError(null);
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => controller.abort();
  }, [period, show]);

  const when = (iso: string) => new Date(iso).toLocaleString(language === 'en' ? 'en-GB' : 'zh-CN');
  return (
    <div className="csat-responses">
      <Space wrap style={{ marginBottom: 16 }}>
        <Select<number>
          aria-label={t('csat.period')}
          value={days}
          onChange={setDays}
          options={[7, 30, 90].map((d) => ({ value: d, label: t('csat.lastDays', { days: d }) }))}
        />
        <Select<Show>
          aria-label={t('csat.show')}
          value={show}
          onChange={setShow}
          options={(['answered', 'low', 'pending', 'all'] as const).map((s) => ({ value: s, label: t(`csat.show.${s}`) }))}
        />
      </Space>
      {error && <Alert type="error" showIcon title={t('app.error', { message: error })} style={{ marginBottom: 16 }} />}
      {summary && (
        <Space wrap size={16} style={{ marginBottom: 16 }} align="start">
          <Card size="small">
            <Statistic title={t('csat.sent')} value={summary.totals.sent} />
          </Card>
          <Card size="small">
            <Statistic title={t('csat.responseRate')} value={formatShare(summary.totals.responseRate)} />
          </Card>
          <Card size="small">
            <Statistic title={t('csat.average')} value={formatAverage(summary.totals.average)} />
          </Card>
          <Card size="small" title={t('csat.distribution')} style={{ minWidth: 220 }}>
            <Distribution counts={summary.totals.distribution} />
          </Card>
          {summary.groups.length > 0 && (
            <Card size="small" title={t('csat.byAgent')}>
              <table className="csat-agents">
                <tbody>
                  {summary.groups.map((g) => (
                    <tr key={g.id ?? '-'}>
                      <td style={{ paddingRight: 12 }}>{g.name ?? t('csat.unassigned')}</td>
                      <td style={{ paddingRight: 12 }}>{formatAverage(g.average)}</td>
                      <td>{t('csat.answeredOf', { answered: g.answered, sent: g.sent })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
          )}
        </Space>
      )}
      <Table<CsatListItem>
        rowKey="id"
        size="small"
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('csat.empty') }}
        columns={[
          { key: 'sentAt', title: t('csat.sentAt'), render: (_, r) => when(r.answeredAt ?? r.sentAt), width: 170 },
          {
            key: 'customer',
            title: t('conversation.customer'),
            render: (_, r) => <a href={`/conversations/${encodeURIComponent(r.conversationId)}`}>{r.customerName || '—'}</a>,
          },
          { key: 'subject', title: t('csat.subject'), render: (_, r) => r.subject || '—', ellipsis: true },
          { key: 'agent', title: t('conversation.agent'), render: (_, r) => r.agentName ?? '—' },
          {
            key: 'rating',
            title: t('csat.ratingColumn'),
            render: (_, r) =>
              r.rating === null ? (
                <Typography.Text type="secondary">{t('csat.pending')}</Typography.Text>
              ) : (
                <span title={t('csat.rating', { rating: r.rating })}>
                  <Stars rating={r.rating} />
                </span>
              ),
          },
          {
            key: 'comment',
            title: t('csat.comment'),
            render: (_, r) => (
              <Space orientation="vertical" size={2}>
                {r.comment && <Typography.Text className="csat-comment">{r.comment}</Typography.Text>}
                {r.commentAnalysis && <EmotionBadge emotion={r.commentAnalysis.emotion} intensity={r.commentAnalysis.intensity} />}
              </Space>
            ),
          },
        ]}
      />
    </div>
  );
}
