import { Alert, Button, Empty, Spin, Table, Tag, Typography } from 'antd';
import { useEffect, useState, type HTMLAttributes } from 'react';
import { getCalibration, type Calibration, type CriterionSpread } from '../../api/settings.js';
import { useI18n } from '../../i18n/i18n.js';
import { agreementOf, agreementRate } from './model.js';

const AGREEMENT_COLORS = { agree: 'green', close: 'gold', apart: 'red', single: 'default' } as const;
const pct = (score: number | null | undefined) => (score === null || score === undefined ? '—' : `${Math.round(score * 100)}`);

/** Calibration: every reviewer's score per criterion on one conversation, next to the automatic one, and how far apart they are. */
export function CalibrationView({
  conversationId,
  nameOf,
  navigate,
}: {
  conversationId: string;
  nameOf(id: string | null): string;
  navigate(path: string): void;
}) {
  const { t } = useI18n();
  const [data, setData] = useState<Calibration | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    getCalibration(conversationId).then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [conversationId]);

  if (error) return <Alert type="error" showIcon title={t('app.error', { message: error })} className="pane-error" />;
  if (!data) return <Spin className="pane-spinner" />;
  const rate = agreementRate(data.criteria);

  return (
    <div className="settings calibration">
      <header className="settings-head">
        <div>
          <Typography.Title level={4} className="settings-title">
            {t('calibration.title')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t('calibration.summary', {
              reviews: data.reviews.length,
              spread: Math.round(data.totals.spread),
              rate: rate === null ? '—' : `${rate}%`,
            })}
          </Typography.Text>
        </div>
        <Button href={`/conversations/${data.conversationId}`}>{t('qa.openConversation')}</Button>
      </header>
      {data.reviews.length < 2 && <Alert type="info" showIcon title={t('calibration.needTwo')} />}
      {data.criteria.length === 0 ? (
        <Empty description={t('qa.empty')} />
      ) : (
        <Table<CriterionSpread>
          size="small"
          rowKey="criterion"
          dataSource={data.criteria}
          pagination={false}
          onRow={(r) => ({ 'data-criterion': r.criterion, 'data-agreement': agreementOf(r) }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('calibration.criterion'), dataIndex: 'name' },
            { title: t('calibration.auto'), dataIndex: 'auto', width: 70, align: 'right', render: (s: number | null) => pct(s) },
            ...data.reviews.map((review) => ({
              key: review.id,
              title: (
                <a
                  href={`/qa/${review.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/qa/${review.id}`);
                  }}
                >
                  {nameOf(review.reviewerId)} · {Math.round(review.score)}
                </a>
              ),
              width: 110,
              align: 'right' as const,
              render: (_: unknown, row: CriterionSpread) => pct(row.reviews.find((r) => r.evaluationId === review.id)?.score),
            })),
            {
              title: t('calibration.spread'),
              dataIndex: 'spread',
              width: 80,
              align: 'right',
              render: (s: number) => pct(s),
            },
            {
              title: t('calibration.agreement'),
              width: 110,
              render: (_, row) => {
                const a = agreementOf(row);
                return <Tag color={AGREEMENT_COLORS[a]}>{t(`calibration.${a}`)}</Tag>;
              },
            },
          ]}
        />
      )}
    </div>
  );
}
