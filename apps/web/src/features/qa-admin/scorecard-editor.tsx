import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { ScorecardCriterion, ScorecardDefinition } from '@tongli/engine';
import { Alert, App, Button, Input, InputNumber, Select, Spin, Table, Typography } from 'antd';
import { useEffect, useState, type HTMLAttributes } from 'react';
import { getScorecard, saveScorecard } from '../../api/settings.js';
import { useI18n } from '../../i18n/i18n.js';
import { scorecardProblems, weightShares } from './model.js';

const APPLICABLE = ['always', 'agent_spoke', 'customer_upset'] as const;
const errorText = (e: unknown) => (e instanceof Error ? e.message.replace(/^tongli: /, '') : String(e));

/**
 * The QA scorecard: criteria with their names (zh/en), weights (total and shares shown), when they apply and their base
 * score. Rules stay as they are (new criteria start with none). Checked by the browser engine, then saved: the server
 * scores with it at once.
 */
export function ScorecardEditor({ canEdit }: { canEdit: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [card, setCard] = useState<ScorecardDefinition | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    getScorecard().then(
      (s) => {
        setCard(s.content);
        setVersion(s.version);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, []);

  if (error) return <Alert type="error" showIcon title={t('app.error', { message: error })} />;
  if (!card) return <Spin className="pane-spinner" />;

  const { total, shares } = weightShares(card);
  const problems = scorecardProblems(card);
  const update = (index: number, patch: Partial<ScorecardCriterion>) =>
    setCard((c) => (c ? { ...c, criteria: c.criteria.map((x, i) => (i === index ? { ...x, ...patch } : x)) } : c));
  const add = () =>
    setCard((c) =>
      c
        ? {
            ...c,
            criteria: [
              ...c.criteria,
              { id: `criterion_${c.criteria.length + 1}`, name: { zh: '', en: '' }, weight: 10, applicable: 'always', base: 1, rules: [] },
            ],
          }
        : c,
    );

  const save = async () => {
    setSaving(true);
    try {
      const { createAnalyzer } = await import('@tongli/engine');
      createAnalyzer({ scorecard: card });
      const saved = await saveScorecard(card);
      setCard(saved.content);
      setVersion(saved.version);
      void message.success(t('scorecard.saved', { version: saved.version }));
    } catch (e) {
      void message.error(t('app.error', { message: errorText(e) }));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="settings">
      <header className="settings-head">
        <div>
          <Typography.Title level={4} className="settings-title">
            {t('scorecard.title')} · {card.name.zh} / {card.name.en}
          </Typography.Title>
          <Typography.Text type="secondary">
            {version === 0 ? t('settings.defaults') : t('settings.version', { version })} · {t('scorecard.applies')}
          </Typography.Text>
        </div>
        <div className="settings-total" data-total-weight={total}>
          <Typography.Text strong className={total > 0 ? '' : 'score-low'}>
            {t('scorecard.total', { total })}
          </Typography.Text>
          {canEdit && (
            <Button type="primary" loading={saving} disabled={problems.length > 0} onClick={() => void save()} data-action="save-scorecard">
              {t('settings.save')}
            </Button>
          )}
        </div>
      </header>
      {problems.length > 0 && <Alert type="warning" showIcon title={t('scorecard.problems', { list: problems.join(', ') })} />}
      <Table<ScorecardCriterion>
        size="small"
        rowKey={(_, i) => String(i)}
        dataSource={card.criteria}
        pagination={false}
        className="scorecard-table"
        onRow={(c) => ({ 'data-criterion': c.id }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('scorecard.id'),
            dataIndex: 'id',
            width: 200,
            render: (id: string, _, i) => (
              <Input
                size="small"
                aria-label={t('scorecard.id')}
                value={id}
                onChange={(e) => update(i, { id: e.target.value })}
                disabled={!canEdit}
              />
            ),
          },
          {
            title: t('scorecard.nameZh'),
            render: (_, c, i) => (
              <Input
                size="small"
                aria-label={t('scorecard.nameZh')}
                value={c.name.zh}
                onChange={(e) => update(i, { name: { ...c.name, zh: e.target.value } })}
                disabled={!canEdit}
                maxLength={200}
              />
            ),
          },
          {
            title: t('scorecard.nameEn'),
            render: (_, c, i) => (
              <Input
                size="small"
                aria-label={t('scorecard.nameEn')}
                value={c.name.en}
                onChange={(e) => update(i, { name: { ...c.name, en: e.target.value } })}
                disabled={!canEdit}
                maxLength={200}
              />
            ),
          },
          {
            title: t('scorecard.weight'),
            width: 150,
            render: (_, c, i) => (
              <span className="scorecard-weight">
                <InputNumber
                  size="small"
                  min={0}
                  max={1000}
                  aria-label={t('scorecard.weight')}
                  value={c.weight}
                  onChange={(weight) => update(i, { weight: weight ?? 0 })}
                  disabled={!canEdit}
                />
                <Typography.Text type="secondary">{shares[i]}%</Typography.Text>
              </span>
            ),
          },
          {
            title: t('scorecard.applicable'),
            width: 150,
            render: (_, c, i) => (
              <Select<ScorecardCriterion['applicable']>
                size="small"
                aria-label={t('scorecard.applicable')}
                value={c.applicable}
                onChange={(applicable) => update(i, { applicable })}
                options={APPLICABLE.map((a) => ({ value: a, label: t(`scorecard.applicable.${a}`) }))}
                disabled={!canEdit}
                popupMatchSelectWidth={false}
              />
            ),
          },
          {
            title: t('scorecard.base'),
            width: 90,
            render: (_, c, i) => (
              <InputNumber
                size="small"
                min={0}
                max={1}
                step={0.1}
                aria-label={t('scorecard.base')}
                value={c.base}
                onChange={(base) => update(i, { base: base ?? 0 })}
                disabled={!canEdit}
              />
            ),
          },
          { title: t('scorecard.rules'), width: 70, align: 'right', render: (_, c) => c.rules.length },
          ...(canEdit
            ? [
                {
                  title: '',
                  width: 44,
                  render: (_: unknown, __: ScorecardCriterion, i: number) => (
                    <Button
                      type="text"
                      size="small"
                      icon={<DeleteOutlined />}
                      aria-label={t('guidelines.remove')}
                      onClick={() => setCard((x) => (x ? { ...x, criteria: x.criteria.filter((_, j) => j !== i) } : x))}
                    />
                  ),
                },
              ]
            : []),
        ]}
      />
      {canEdit && (
        <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={add} className="settings-add">
          {t('scorecard.add')}
        </Button>
      )}
    </div>
  );
}
