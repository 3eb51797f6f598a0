import {
  Alert,
  App,
  Button,
  Empty,
  Input,
  InputNumber,
  Modal,
  Segmented,
  Select,
  Slider,
  Spin,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { api } from '../api/instance.js';
import type { Evaluation, EvaluationDetail, EvaluationPoint, Me, Message, UserSummary } from '../api/types.js';
import { Topbar } from '../components/topbar.js';
import { useEngine } from '../features/composer/use-engine.js';
import { CalibrationView } from '../features/qa-admin/calibration-view.js';
import { GuidelinesEditor } from '../features/qa-admin/guidelines-editor.js';
import { ScorecardEditor } from '../features/qa-admin/scorecard-editor.js';
import { dialogueTurns, quoteOf } from '../features/qa/evidence.js';
import { useI18n } from '../i18n/i18n.js';

const STATUS_COLORS: Record<Evaluation['status'], string> = { final: 'default', disputed: 'orange', resolved: 'green' };
const evaluationIdOf = (path: string): string | null => /^\/qa\/([0-9a-f-]{36})$/i.exec(path)?.[1] ?? null;
const calibrationIdOf = (path: string): string | null => /^\/qa\/calibration\/([0-9a-f-]{36})$/i.exec(path)?.[1] ?? null;
const toolOf = (path: string): 'scorecard' | 'guidelines' | null =>
  path === '/qa/scorecard' ? 'scorecard' : path === '/qa/guidelines' ? 'guidelines' : null;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Filters {
  range: [number, number];
  agentId?: string;
  status?: Evaluation['status'];
  technique?: string;
  emotion?: string;
}

/** QA: evaluations with filters, one evaluation's scorecard with highlighted evidence, review overrides and disputes. */
export function QaScene({ me, path, navigate, onLogout }: { me: Me; path: string; navigate(path: string): void; onLogout(): void }) {
  const { t, language } = useI18n();
  const reviewer = me.role !== 'agent';
  const engine = useEngine();
  const lang = language === 'en' ? 'en' : 'zh';
  const [filters, setFilters] = useState<Filters>({ range: [0, 100] });
  const [items, setItems] = useState<Evaluation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [users, setUsers] = useState<UserSummary[]>([]);
  const [version, setVersion] = useState(0);
  const selectedId = evaluationIdOf(path);
  const calibrationId = reviewer ? calibrationIdOf(path) : null;
  const tool = reviewer ? toolOf(path) : null;

  useEffect(() => {
    api.listUsers().then(setUsers, () => setUsers([]));
  }, []);
  useEffect(() => {
    let live = true;
    api
      .listEvaluations({
        minScore: filters.range[0] > 0 ? filters.range[0] : undefined,
        maxScore: filters.range[1] < 100 ? filters.range[1] : undefined,
        agentId: filters.agentId,
        status: filters.status,
        technique: filters.technique,
        emotion: filters.emotion,
        limit: 200,
      })
      .then(
        (rows) => {
          if (!live) return;
          setItems(rows);
          setError(null);
        },
        (e: unknown) => live && setError(errorText(e)),
      );
    return () => {
      live = false;
    };
  }, [filters, version]);

  const names = useMemo(() => new Map(users.map((u) => [u.id, u.name])), [users]);
  const nameOf = (id: string | null) => (id ? (names.get(id) ?? id.slice(0, 8)) : '—');
  const changed = useCallback(
    (next?: string) => {
      setVersion((v) => v + 1);
      if (next) navigate(`/qa/${next}`);
    },
    [navigate],
  );

  return (
    <div className="workspace">
      <Topbar me={me} path={path} navigate={navigate} onLogout={onLogout} />
      {reviewer && (
        <nav className="qa-tabs" aria-label={t('nav.qa')}>
          <Segmented<string>
            size="small"
            value={tool ?? 'evaluations'}
            onChange={(value) => navigate(value === 'evaluations' ? '/qa' : `/qa/${value}`)}
            options={(['evaluations', 'scorecard', 'guidelines'] as const).map((value) => ({ value, label: t(`qa.tab.${value}`) }))}
          />
        </nav>
      )}
      {tool ? (
        <div className="settings-page">
          {tool === 'scorecard' ? (
            <ScorecardEditor canEdit={['qa', 'supervisor', 'admin'].includes(me.role)} />
          ) : (
            <GuidelinesEditor canEdit={['supervisor', 'admin'].includes(me.role)} />
          )}
        </div>
      ) : (
        <div className="qa">
          <section className="qa-list" aria-label={t('qa.list')}>
            <div className="qa-filters">
              <div className="qa-filter">
                <Typography.Text type="secondary">{t('qa.scoreRange', { min: filters.range[0], max: filters.range[1] })}</Typography.Text>
                <Slider
                  range
                  min={0}
                  max={100}
                  defaultValue={filters.range}
                  onChangeComplete={(range: number[]) => setFilters((f) => ({ ...f, range: [range[0] ?? 0, range[1] ?? 100] }))}
                  aria-label={t('qa.score')}
                  ariaLabelForHandle={[t('a11y.scoreFrom'), t('a11y.scoreTo')]}
                />
              </div>
              <div className="qa-filter-row">
                {reviewer && (
                  <Select<string>
                    allowClear
                    showSearch={{ optionFilterProp: 'label' }}
                    placeholder={t('qa.allAgents')}
                    aria-label={t('qa.agent')}
                    value={filters.agentId}
                    onChange={(agentId) => setFilters((f) => ({ ...f, agentId }))}
                    options={users.filter((u) => u.role !== 'qa').map((u) => ({ value: u.id, label: u.name }))}
                    className="qa-filter-agent"
                    popupMatchSelectWidth={false}
                  />
                )}
                <Select<Evaluation['status']>
                  allowClear
                  placeholder={t('qa.allStatuses')}
                  aria-label={t('qa.status')}
                  value={filters.status}
                  onChange={(status) => setFilters((f) => ({ ...f, status }))}
                  options={(['final', 'disputed', 'resolved'] as const).map((s) => ({ value: s, label: t(`qa.status.${s}`) }))}
                  className="qa-filter-status"
                  popupMatchSelectWidth={false}
                />
              </div>
              {reviewer && (
                <div className="qa-filter-row">
                  <Select<string>
                    allowClear
                    showSearch={{ optionFilterProp: 'label' }}
                    placeholder={t('qa.allTechniques')}
                    aria-label={t('qa.technique')}
                    value={filters.technique}
                    onChange={(technique) => setFilters((f) => ({ ...f, technique }))}
                    options={(engine?.catalogue.techniques ?? []).map((x) => ({ value: x.id, label: x.name[lang] }))}
                    className="qa-filter-technique"
                    popupMatchSelectWidth={false}
                  />
                  <Select<string>
                    allowClear
                    placeholder={t('qa.allEmotions')}
                    aria-label={t('qa.emotion')}
                    value={filters.emotion}
                    onChange={(emotion) => setFilters((f) => ({ ...f, emotion }))}
                    options={(engine?.catalogue.emotions ?? []).map((x) => ({ value: x.id, label: x.name[lang] }))}
                    className="qa-filter-emotion"
                    popupMatchSelectWidth={false}
                  />
                </div>
              )}
            </div>
            {error && <Alert type="error" showIcon title={t('app.error', { message: error })} />}
            <Table<Evaluation>
              size="small"
              rowKey="id"
              loading={items === null && !error}
              dataSource={items ?? []}
              pagination={{ pageSize: 20, size: 'small', showSizeChanger: false }}
              locale={{ emptyText: t('qa.empty') }}
              rowClassName={(r) => (r.id === selectedId ? 'qa-row-selected' : '')}
              onRow={(r) => ({ onClick: () => navigate(`/qa/${r.id}`), 'data-evaluation-id': r.id }) as HTMLAttributes<HTMLElement>}
              columns={[
                {
                  title: t('qa.date'),
                  dataIndex: 'createdAt',
                  width: 96,
                  render: (at: string) => new Date(at).toLocaleDateString(),
                },
                { title: t('qa.agent'), dataIndex: 'agentId', ellipsis: true, render: (id: string | null) => nameOf(id) },
                { title: t('qa.kind'), dataIndex: 'kind', width: 72, render: (k: Evaluation['kind']) => t(`qa.kind.${k}`) },
                {
                  title: t('qa.score'),
                  dataIndex: 'score',
                  width: 64,
                  align: 'right',
                  render: (s: number) => <span className={s < 60 ? 'score-low' : ''}>{Math.round(s)}</span>,
                },
                {
                  title: t('qa.status'),
                  dataIndex: 'status',
                  width: 84,
                  render: (s: Evaluation['status']) => <Tag color={STATUS_COLORS[s]}>{t(`qa.status.${s}`)}</Tag>,
                },
              ]}
            />
          </section>
          <main className="qa-detail">
            {calibrationId ? (
              <CalibrationView key={calibrationId} conversationId={calibrationId} nameOf={nameOf} navigate={navigate} />
            ) : selectedId ? (
              <EvaluationView
                key={`${selectedId}:${version}`}
                id={selectedId}
                me={me}
                nameOf={nameOf}
                onChanged={changed}
                navigate={navigate}
              />
            ) : (
              <Empty className="pane-empty" description={t('qa.select')} />
            )}
          </main>
        </div>
      )}
    </div>
  );
}

function EvaluationView({
  id,
  me,
  nameOf,
  onChanged,
  navigate,
}: {
  id: string;
  me: Me;
  nameOf(id: string | null): string;
  onChanged(next?: string): void;
  navigate(path: string): void;
}) {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const [evaluation, setEvaluation] = useState<EvaluationDetail | null>(null);
  const [turns, setTurns] = useState<Message[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [disputing, setDisputing] = useState(false);
  const [resolving, setResolving] = useState(false);
  const reviewer = me.role !== 'agent';

  useEffect(() => {
    let live = true;
    api.getEvaluation(id).then(
      (e) => {
        if (!live) return;
        setEvaluation(e);
        api.getConversation(e.conversationId).then(
          (d) => live && setTurns(dialogueTurns(d.messages)),
          () => undefined,
        );
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [id]);

  if (error) return <Alert type="error" showIcon title={t('app.error', { message: error })} className="pane-error" />;
  if (!evaluation) return <Spin className="pane-spinner" />;
  const dispute = evaluation.dispute;
  return (
    <div className="evaluation">
      <header className="evaluation-head">
        <div>
          <Typography.Title level={4} className="evaluation-title">
            {t('qa.evaluationOf', { agent: nameOf(evaluation.agentId) })}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t(`qa.kind.${evaluation.kind}`)} · {new Date(evaluation.createdAt).toLocaleString()}
            {evaluation.reviewerId ? ` · ${t('qa.reviewer', { name: nameOf(evaluation.reviewerId) })}` : ''}
          </Typography.Text>
        </div>
        <div className="evaluation-score" data-score={Math.round(evaluation.score)}>
          <span className={evaluation.score < 60 ? 'score-low' : ''}>{Math.round(evaluation.score)}</span>
          <Tag color={STATUS_COLORS[evaluation.status]}>{t(`qa.status.${evaluation.status}`)}</Tag>
        </div>
      </header>
      <div className="evaluation-actions">
        <Button href={`/conversations/${evaluation.conversationId}`}>{t('qa.openConversation')}</Button>
        {reviewer && (
          <Button type="primary" onClick={() => setReviewing(true)}>
            {t('qa.review')}
          </Button>
        )}
        {reviewer && (
          <Button onClick={() => navigate(`/qa/calibration/${evaluation.conversationId}`)} data-action="calibration">
            {t('qa.calibrate')}
          </Button>
        )}
        {evaluation.agentId === me.id && evaluation.status === 'final' && (
          <Button danger onClick={() => setDisputing(true)}>
            {t('qa.dispute')}
          </Button>
        )}
        {reviewer && evaluation.status === 'disputed' && (
          <Button type="primary" ghost onClick={() => setResolving(true)}>
            {t('qa.resolve')}
          </Button>
        )}
      </div>
      {dispute?.reason && (
        <Alert
          className="dispute"
          type={dispute.resolution ? 'success' : 'warning'}
          showIcon
          title={t('qa.disputeReason', { reason: dispute.reason })}
          description={
            dispute.resolution
              ? t('qa.resolution', { decision: t(`qa.decision.${dispute.resolution.decision}`), note: dispute.resolution.note })
              : t('qa.awaiting')
          }
        />
      )}
      {evaluation.comment && (
        <Typography.Paragraph className="evaluation-comment">
          <Typography.Text strong>{t('qa.comment')}: </Typography.Text>
          {evaluation.comment}
        </Typography.Paragraph>
      )}
      <ol className="points">
        {evaluation.points.map((p) => (
          <PointView key={p.criterion} point={p} turns={turns} language={language} />
        ))}
      </ol>
      {evaluation.points.length === 0 && <Empty description={t('qa.noPoints')} />}
      {reviewing && (
        <ReviewDialog
          evaluation={evaluation}
          language={language}
          onClose={() => setReviewing(false)}
          onSaved={(review) => {
            setReviewing(false);
            void message.success(t('qa.reviewed', { score: Math.round(review.score) }));
            onChanged(review.id);
          }}
        />
      )}
      <ReasonDialog
        open={disputing}
        title={t('qa.dispute')}
        label={t('qa.disputeWhy')}
        onClose={() => setDisputing(false)}
        onSubmit={async (reason) => {
          await api.dispute(evaluation.id, reason);
          setDisputing(false);
          onChanged();
        }}
      />
      <ReasonDialog
        open={resolving}
        title={t('qa.resolve')}
        label={t('qa.resolveNote')}
        decide
        onClose={() => setResolving(false)}
        onSubmit={async (note, decision) => {
          await api.resolveDispute(evaluation.id, decision ?? 'upheld', note);
          setResolving(false);
          onChanged();
        }}
      />
    </div>
  );
}

function PointView({ point, turns, language }: { point: EvaluationPoint; turns: readonly Message[]; language: string }) {
  const { t } = useI18n();
  const name = language === 'en' ? point.names.en : point.names.zh;
  const pct = Math.round(point.score * 100);
  return (
    <li className={`point ${point.applicable ? '' : 'point-na'}`} data-criterion={point.criterion}>
      <div className="point-head">
        <span className="point-name">{name}</span>
        <span className="point-weight">{t('qa.weight', { weight: point.weight })}</span>
        {point.applicable ? (
          <span className={`point-score ${pct < 50 ? 'score-low' : ''}`}>{pct}%</span>
        ) : (
          <Tag>{t('qa.notApplicable')}</Tag>
        )}
      </div>
      <div className="point-reason">{point.reason}</div>
      {point.override && (
        <div className="point-override">
          <Tag color="purple">{t('qa.overridden')}</Tag>
          {t('qa.overrideWas', { score: Math.round(point.override.previous * 100), reason: point.override.reason })}
        </div>
      )}
      {(point.evidence ?? []).map((e, i) => {
        const q = quoteOf(turns, e);
        return (
          <blockquote key={`${e.message}:${e.span.start}:${i}`} className="evidence">
            <span className="evidence-where">
              {q.role ? t(q.role === 'customer' ? 'conversation.customer' : 'conversation.agent') : ''} #{q.turn}
            </span>
            <span className="evidence-text">
              {q.before}
              <mark className="evidence-mark">{q.quote}</mark>
              {q.after}
            </span>
          </blockquote>
        );
      })}
    </li>
  );
}

interface Draft {
  score: number;
  applicable: boolean;
  reason: string;
}

function ReviewDialog({
  evaluation,
  language,
  onClose,
  onSaved,
}: {
  evaluation: EvaluationDetail;
  language: string;
  onClose(): void;
  onSaved(review: EvaluationDetail): void;
}) {
  const { t } = useI18n();
  const [drafts, setDrafts] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(evaluation.points.map((p) => [p.criterion, { score: p.score, applicable: p.applicable, reason: '' }])),
  );
  const [comment, setComment] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const changed = evaluation.points.filter((p) => {
    const d = drafts[p.criterion];
    return d && (d.score !== p.score || d.applicable !== p.applicable);
  });
  const missingReason = changed.some((p) => !drafts[p.criterion]?.reason.trim());
  const set = (criterion: string, patch: Partial<Draft>) =>
    setDrafts((all) => ({ ...all, [criterion]: { ...(all[criterion] as Draft), ...patch } }));

  const save = async () => {
    setSaving(true);
    try {
      const review = await api.review(evaluation.conversationId, {
        evaluationId: evaluation.id,
        points: changed.map((p) => {
          const d = drafts[p.criterion] as Draft;
          return { criterion: p.criterion, score: d.score, applicable: d.applicable, reason: d.reason.trim() };
        }),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      onSaved(review);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      width={760}
      title={t('qa.reviewTitle')}
      okText={t('qa.saveReview')}
      cancelText={t('app.cancel')}
      okButtonProps={{ disabled: missingReason || (changed.length === 0 && !comment.trim()), loading: saving }}
      onOk={() => void save()}
      onCancel={onClose}
    >
      <Typography.Paragraph type="secondary">{t('qa.reviewHelp')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={t('app.error', { message: error })} />}
      <div className="review-points">
        {evaluation.points.map((p) => {
          const d = drafts[p.criterion] as Draft;
          const isChanged = changed.includes(p);
          return (
            <div key={p.criterion} className={`review-point ${isChanged ? 'review-point-changed' : ''}`} data-criterion={p.criterion}>
              <span className="review-name">{language === 'en' ? p.names.en : p.names.zh}</span>
              <InputNumber<number>
                size="small"
                min={0}
                max={100}
                step={5}
                value={Math.round(d.score * 100)}
                onChange={(v) => set(p.criterion, { score: Math.max(0, Math.min(100, v ?? 0)) / 100 })}
                suffix="%"
                aria-label={t('qa.pointScore', { name: p.names.en })}
                className="review-score"
              />
              <Switch
                size="small"
                checked={d.applicable}
                onChange={(applicable) => set(p.criterion, { applicable })}
                aria-label={t('qa.applicable')}
                checkedChildren={t('qa.applies')}
                unCheckedChildren={t('qa.notApplicable')}
              />
              <Input
                size="small"
                placeholder={isChanged ? t('qa.reasonRequired') : t('qa.reason')}
                status={isChanged && !d.reason.trim() ? 'warning' : undefined}
                value={d.reason}
                onChange={(e) => set(p.criterion, { reason: e.target.value })}
                aria-label={t('qa.reasonFor', { name: p.names.en })}
                maxLength={2000}
                className="review-reason"
              />
            </div>
          );
        })}
      </div>
      <Input.TextArea
        className="review-comment"
        placeholder={t('qa.comment')}
        aria-label={t('qa.comment')}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={5000}
      />
    </Modal>
  );
}

function ReasonDialog({
  open,
  title,
  label,
  decide,
  onClose,
  onSubmit,
}: {
  open: boolean;
  title: string;
  label: string;
  decide?: boolean;
  onClose(): void;
  onSubmit(text: string, decision?: 'upheld' | 'overturned'): Promise<void>;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [decision, setDecision] = useState<'upheld' | 'overturned'>('upheld');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  return (
    <Modal
      open={open}
      title={title}
      cancelText={t('app.cancel')}
      okButtonProps={{ disabled: !text.trim(), loading: saving }}
      onCancel={onClose}
      onOk={() => {
        setSaving(true);
        onSubmit(text.trim(), decide ? decision : undefined).then(
          () => setSaving(false),
          (e: unknown) => {
            setSaving(false);
            setError(errorText(e));
          },
        );
      }}
      destroyOnHidden
    >
      <div className="transfer-form">
        {error && <Alert type="error" showIcon title={t('app.error', { message: error })} />}
        {decide && (
          <Segmented<'upheld' | 'overturned'>
            value={decision}
            onChange={setDecision}
            options={[
              { value: 'upheld', label: t('qa.decision.upheld') },
              { value: 'overturned', label: t('qa.decision.overturned') },
            ]}
          />
        )}
        <Typography.Text type="secondary">{label}</Typography.Text>
        <Input.TextArea
          aria-label={label}
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoSize={{ minRows: 3, maxRows: 8 }}
          maxLength={5000}
        />
      </div>
    </Modal>
  );
}
