import { DeleteOutlined, ExperimentOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Drawer, Input, InputNumber, Radio, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { InboxSummary } from '../../api/settings.js';
import type { CannedReply, Priority, Team, UserSummary } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { dryRun, type Action, type AutomationEvent, type Condition, type DryRunResult, type RuleInput } from './api.js';
import {
  ACTION_TYPES,
  attributeValue,
  CONDITION_TYPES,
  defaultAction,
  defaultCondition,
  EMOTIONS,
  replaceAt,
  ruleProblems,
  SIGNALS,
  WEEKDAYS,
} from './model.js';

const EVENTS: AutomationEvent[] = ['message.analyzed', 'conversation.created', 'conversation.updated'];
const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];

/** What the editor can offer in its pickers. */
export interface RuleOptions {
  inboxes: InboxSummary[];
  teams: Team[];
  users: UserSummary[];
  canned: CannedReply[];
  /** Null when the caller may not list webhooks (then an id is typed). */
  webhooks: { id: string; url: string }[] | null;
}

const tagsSelect = (value: string[], onChange: (value: string[]) => void, label: string) => (
  <Select
    mode="tags"
    size="small"
    style={{ minWidth: 220 }}
    aria-label={label}
    value={value}
    tokenSeparators={[',', '，']}
    onChange={onChange}
  />
);

/** The inputs of one condition, by type. */
function ConditionInputs({ condition, onChange, options }: { condition: Condition; onChange(c: Condition): void; options: RuleOptions }) {
  const { t } = useI18n();
  const label = t(`automation.condition.${condition.type}`);
  const multi = <V extends string>(value: V[], values: readonly V[], labelOf: (v: V) => string, set: (value: V[]) => void) => (
    <Select<V[]>
      mode="multiple"
      size="small"
      style={{ minWidth: 220 }}
      aria-label={label}
      value={value}
      onChange={set}
      options={values.map((v) => ({ value: v, label: labelOf(v) }))}
    />
  );
  switch (condition.type) {
    case 'channel':
      return multi(
        condition.in,
        ['web', 'email', 'api', 'import'] as const,
        (v) => t(`automation.channel.${v}`),
        (v) => onChange({ ...condition, in: v }),
      );
    case 'inbox':
      return (
        <Select<string[]>
          mode="multiple"
          size="small"
          style={{ minWidth: 260 }}
          aria-label={label}
          value={condition.in}
          onChange={(v) => onChange({ ...condition, in: v })}
          options={options.inboxes.map((i) => ({ value: i.id, label: i.name }))}
        />
      );
    case 'team':
      return (
        <Select<string[]>
          mode="multiple"
          size="small"
          style={{ minWidth: 220 }}
          aria-label={label}
          value={condition.in}
          onChange={(v) => onChange({ ...condition, in: v })}
          options={options.teams.map((team) => ({ value: team.id, label: team.name }))}
        />
      );
    case 'text':
      return (
        <Space wrap>
          {tagsSelect(condition.contains, (contains) => onChange({ ...condition, contains }), label)}
          <Switch
            size="small"
            checked={condition.negate === true}
            onChange={(negate) => onChange({ ...condition, negate })}
            aria-label={t('automation.condition.negate')}
          />
          <Typography.Text>{t('automation.condition.negate')}</Typography.Text>
        </Space>
      );
    case 'emotion':
      return (
        <Space wrap>
          {multi(
            condition.in,
            EMOTIONS,
            (v) => t(`emotion.${v}`),
            (v) => onChange({ ...condition, in: v }),
          )}
          <Typography.Text>{t('automation.condition.minIntensity')}</Typography.Text>
          <InputNumber<number>
            size="small"
            min={0}
            max={1}
            step={0.1}
            aria-label={t('automation.condition.minIntensity')}
            value={condition.minIntensity ?? null}
            onChange={(v) => onChange(v === null ? { type: 'emotion', in: condition.in } : { ...condition, minIntensity: v })}
          />
        </Space>
      );
    case 'intensity':
      return (
        <Space>
          {(['min', 'max'] as const).map((bound) => (
            <Space key={bound} size={4}>
              <Typography.Text>{t(`automation.condition.${bound}`)}</Typography.Text>
              <InputNumber<number>
                size="small"
                min={0}
                max={1}
                step={0.1}
                aria-label={t(`automation.condition.${bound}`)}
                value={condition[bound] ?? null}
                onChange={(v) => onChange({ ...condition, [bound]: v ?? undefined })}
              />
            </Space>
          ))}
        </Space>
      );
    case 'risk':
      return multi(
        condition.any,
        SIGNALS,
        (v) => t(`automation.signal.${v}`),
        (v) => onChange({ ...condition, any: v }),
      );
    case 'tag':
      return (
        <Space wrap>
          <Typography.Text>{t('automation.condition.tagAny')}</Typography.Text>
          {tagsSelect(condition.any ?? [], (any) => onChange({ ...condition, any }), t('automation.condition.tagAny'))}
          <Typography.Text>{t('automation.condition.tagNone')}</Typography.Text>
          {tagsSelect(condition.none ?? [], (none) => onChange({ ...condition, none }), t('automation.condition.tagNone'))}
        </Space>
      );
    case 'priority':
      return multi(
        condition.in,
        PRIORITIES,
        (v) => t(`priority.${v}`),
        (v) => onChange({ ...condition, in: v }),
      );
    case 'status':
      return multi(
        condition.in,
        ['open', 'pending', 'snoozed', 'resolved'] as const,
        (v) => t(`status.${v}`),
        (v) => onChange({ ...condition, in: v }),
      );
    case 'language':
      return multi(
        condition.in,
        ['zh', 'en', 'mixed', 'unknown'] as const,
        (v) => t(`automation.language.${v}`),
        (v) => onChange({ ...condition, in: v }),
      );
    case 'direction':
      return multi(
        condition.in,
        ['incoming', 'outgoing'] as const,
        (v) => t(`automation.direction.${v}`),
        (v) => onChange({ ...condition, in: v }),
      );
    case 'attribute':
      return (
        <Space wrap>
          <Input
            size="small"
            style={{ width: 140 }}
            placeholder={t('automation.condition.attributeKey')}
            aria-label={t('automation.condition.attributeKey')}
            value={condition.key}
            onChange={(e) => onChange({ ...condition, key: e.target.value.trim() })}
          />
          <Select
            size="small"
            style={{ width: 120 }}
            aria-label={t('automation.condition.attributeOp')}
            value={condition.op}
            onChange={(op) => onChange({ ...condition, op })}
            options={(['eq', 'neq', 'contains', 'exists', 'gte', 'lte'] as const).map((op) => ({
              value: op,
              label: t(`automation.op.${op}`),
            }))}
          />
          {condition.op !== 'exists' && (
            <Input
              size="small"
              style={{ width: 160 }}
              aria-label={t('automation.condition.attributeValue')}
              value={condition.value === undefined ? '' : String(condition.value)}
              onChange={(e) => onChange({ ...condition, value: attributeValue(condition.op, e.target.value) })}
            />
          )}
        </Space>
      );
    case 'business_hours': {
      const { schedule } = condition;
      return (
        <Space orientation="vertical" size={4}>
          <Radio.Group
            size="small"
            value={condition.inside ? 'inside' : 'outside'}
            onChange={(e) => onChange({ ...condition, inside: e.target.value === 'inside' })}
            options={[
              { value: 'inside', label: t('automation.hours.inside') },
              { value: 'outside', label: t('automation.hours.outside') },
            ]}
          />
          <Input
            size="small"
            style={{ width: 200 }}
            addonBefore={t('automation.hours.timezone')}
            aria-label={t('automation.hours.timezone')}
            value={schedule.timezone}
            onChange={(e) => onChange({ ...condition, schedule: { ...schedule, timezone: e.target.value } })}
          />
          {WEEKDAYS.map((day) => {
            const interval = schedule.days[day]?.[0];
            const setDay = (value: { start: string; end: string } | null) => {
              const days = { ...schedule.days };
              if (value) days[day] = [value];
              else delete days[day];
              onChange({ ...condition, schedule: { ...schedule, days } });
            };
            return (
              <Space key={day} size={6}>
                <Switch
                  size="small"
                  checked={interval !== undefined}
                  aria-label={t(`automation.day.${day}`)}
                  onChange={(open) => setDay(open ? { start: '09:00', end: '18:00' } : null)}
                />
                <span style={{ width: 40, display: 'inline-block' }}>{t(`automation.day.${day}`)}</span>
                {interval && (
                  <>
                    <Input
                      size="small"
                      style={{ width: 70 }}
                      aria-label={`${t(`automation.day.${day}`)} ${t('automation.hours.start')}`}
                      value={interval.start}
                      onChange={(e) => setDay({ ...interval, start: e.target.value })}
                    />
                    –
                    <Input
                      size="small"
                      style={{ width: 70 }}
                      aria-label={`${t(`automation.day.${day}`)} ${t('automation.hours.end')}`}
                      value={interval.end}
                      onChange={(e) => setDay({ ...interval, end: e.target.value })}
                    />
                  </>
                )}
              </Space>
            );
          })}
        </Space>
      );
    }
  }
}

/** The inputs of one action, by type. */
function ActionInputs({ action, onChange, options }: { action: Action; onChange(a: Action): void; options: RuleOptions }) {
  const { t } = useI18n();
  const label = t(`automation.action.${action.type}`);
  const cannedSelect = (value: string | undefined, set: (id: string | undefined) => void, lang: string) => (
    <Select<string>
      allowClear
      showSearch
      size="small"
      style={{ width: 240 }}
      aria-label={`${label} ${lang}`}
      placeholder={lang}
      value={value}
      optionFilterProp="label"
      onChange={(id) => set(id ?? undefined)}
      options={options.canned.map((c) => ({ value: c.id, label: `${c.shortCode} · ${c.title}` }))}
    />
  );
  switch (action.type) {
    case 'assign':
      return (
        <Space wrap>
          <Select<string>
            allowClear
            showSearch
            size="small"
            style={{ width: 200 }}
            optionFilterProp="label"
            aria-label={t('automation.action.assignUser')}
            placeholder={t('automation.action.assignUser')}
            value={action.userId}
            onChange={(userId) =>
              onChange(userId ? { ...action, userId } : { type: 'assign', ...(action.teamId ? { teamId: action.teamId } : {}) })
            }
            options={options.users
              .filter((u) => u.role === 'agent' || u.role === 'supervisor')
              .map((u) => ({ value: u.id, label: u.name }))}
          />
          <Select<string>
            allowClear
            size="small"
            style={{ width: 200 }}
            aria-label={t('automation.action.assignTeam')}
            placeholder={t('automation.action.assignTeam')}
            value={action.teamId}
            onChange={(teamId) =>
              onChange(teamId ? { ...action, teamId } : { type: 'assign', ...(action.userId ? { userId: action.userId } : {}) })
            }
            options={options.teams.map((team) => ({ value: team.id, label: team.name }))}
          />
        </Space>
      );
    case 'add_tag':
      return tagsSelect(action.tags, (tags) => onChange({ ...action, tags }), label);
    case 'set_priority':
      return (
        <Select<Priority>
          size="small"
          style={{ width: 140 }}
          aria-label={label}
          value={action.priority}
          onChange={(priority) => onChange({ ...action, priority })}
          options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
        />
      );
    case 'send_canned_reply':
      return (
        <Space wrap>
          {cannedSelect(
            action.zh,
            (zh) => onChange({ type: 'send_canned_reply', ...(zh ? { zh } : {}), ...(action.en ? { en: action.en } : {}) }),
            '中文',
          )}
          {cannedSelect(
            action.en,
            (en) => onChange({ type: 'send_canned_reply', ...(action.zh ? { zh: action.zh } : {}), ...(en ? { en } : {}) }),
            'English',
          )}
        </Space>
      );
    case 'notify_supervisor':
      return (
        <Space wrap>
          <Select
            size="small"
            style={{ width: 120 }}
            aria-label={t('automation.action.severity')}
            value={action.severity}
            onChange={(severity) => onChange({ ...action, severity })}
            options={(['info', 'warning', 'critical'] as const).map((s) => ({ value: s, label: t(`automation.severity.${s}`) }))}
          />
          <Input
            size="small"
            style={{ width: 260 }}
            maxLength={500}
            placeholder={t('automation.action.note')}
            aria-label={t('automation.action.note')}
            value={action.note ?? ''}
            onChange={(e) =>
              onChange({ type: 'notify_supervisor', severity: action.severity, ...(e.target.value ? { note: e.target.value } : {}) })
            }
          />
        </Space>
      );
    case 'webhook':
      return options.webhooks ? (
        <Select<string>
          size="small"
          style={{ width: 320 }}
          aria-label={label}
          value={action.webhookId || undefined}
          onChange={(webhookId) => onChange({ ...action, webhookId })}
          options={options.webhooks.map((w) => ({ value: w.id, label: w.url }))}
        />
      ) : (
        <Input
          size="small"
          style={{ width: 320 }}
          placeholder={t('automation.action.webhookId')}
          aria-label={label}
          value={action.webhookId}
          onChange={(e) => onChange({ ...action, webhookId: e.target.value.trim() })}
        />
      );
  }
}

/** The rule editor: event, conditions (all / any), actions, and a dry-run of the unsaved conditions. */
export function RuleEditor({
  initial,
  options,
  onCancel,
  onSave,
}: {
  initial: RuleInput;
  options: RuleOptions;
  onCancel(): void;
  onSave(rule: RuleInput): void;
}) {
  const { t, language } = useI18n();
  const [draft, setDraft] = useState(initial);
  const [preview, setPreview] = useState<DryRunResult | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [testing, setTesting] = useState(false);
  const problems = ruleProblems(draft);
  const conditions = draft.conditions.conditions;
  const setConditions = (list: Condition[]) => setDraft((d) => ({ ...d, conditions: { ...d.conditions, conditions: list } }));
  const setActions = (actions: Action[]) => setDraft((d) => ({ ...d, actions }));
  const runPreview = () => {
    setTesting(true);
    setPreviewError(null);
    dryRun({ event: draft.event, conditions: draft.conditions })
      .then(setPreview, (e: unknown) => setPreviewError(e instanceof Error ? e.message : String(e)))
      .finally(() => setTesting(false));
  };
  return (
    <Drawer
      open
      size="large"
      title={t('automation.editor.title')}
      onClose={onCancel}
      extra={
        <Space>
          <Button onClick={onCancel}>{t('routing.cancel')}</Button>
          <Button type="primary" disabled={problems.length > 0} onClick={() => onSave({ ...draft, name: draft.name.trim() })}>
            {t('routing.save')}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }} className="rule-editor">
        <Input
          aria-label={t('automation.rule.name')}
          placeholder={t('automation.rule.name')}
          value={draft.name}
          maxLength={200}
          onChange={(e) => setDraft({ ...draft, name: e.target.value })}
        />
        <Space wrap>
          <Typography.Text>{t('automation.rule.event')}</Typography.Text>
          <Select<AutomationEvent>
            size="small"
            style={{ width: 240 }}
            aria-label={t('automation.rule.event')}
            value={draft.event}
            onChange={(event) => setDraft({ ...draft, event })}
            options={EVENTS.map((e) => ({ value: e, label: t(`automation.event.${e}`) }))}
          />
          <Switch
            size="small"
            checked={draft.enabled}
            onChange={(enabled) => setDraft({ ...draft, enabled })}
            aria-label={t('automation.rule.enabled')}
          />
          <Typography.Text>{t('automation.rule.enabled')}</Typography.Text>
        </Space>
        <Card
          size="small"
          title={
            <Space>
              {t('automation.editor.when')}
              <Radio.Group
                size="small"
                value={draft.conditions.match}
                onChange={(e) => setDraft({ ...draft, conditions: { ...draft.conditions, match: e.target.value as 'all' | 'any' } })}
                options={[
                  { value: 'all', label: t('automation.match.all') },
                  { value: 'any', label: t('automation.match.any') },
                ]}
              />
            </Space>
          }
        >
          <Space orientation="vertical" size={8} style={{ width: '100%' }}>
            {conditions.length === 0 && <Typography.Text type="secondary">{t('automation.editor.always')}</Typography.Text>}
            {conditions.map((condition, index) => (
              <Space key={index} align="start" wrap className="rule-row" data-condition={condition.type}>
                <Select<Condition['type']>
                  size="small"
                  style={{ width: 150 }}
                  aria-label={t('automation.editor.conditionType')}
                  value={condition.type}
                  onChange={(type) => setConditions(replaceAt(conditions, index, defaultCondition(type)))}
                  options={CONDITION_TYPES.map((type) => ({ value: type, label: t(`automation.condition.${type}`) }))}
                />
                <ConditionInputs condition={condition} options={options} onChange={(c) => setConditions(replaceAt(conditions, index, c))} />
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('routing.delete')}
                  onClick={() => setConditions(conditions.filter((_, i) => i !== index))}
                />
              </Space>
            ))}
            <Button size="small" icon={<PlusOutlined />} onClick={() => setConditions([...conditions, defaultCondition('text')])}>
              {t('automation.editor.addCondition')}
            </Button>
          </Space>
        </Card>
        <Card size="small" title={t('automation.editor.then')}>
          <Space orientation="vertical" size={8} style={{ width: '100%' }}>
            {draft.actions.map((action, index) => (
              <Space key={index} align="start" wrap className="rule-row" data-action={action.type}>
                <Select<Action['type']>
                  size="small"
                  style={{ width: 150 }}
                  aria-label={t('automation.editor.actionType')}
                  value={action.type}
                  onChange={(type) => setActions(replaceAt(draft.actions, index, defaultAction(type)))}
                  options={ACTION_TYPES.map((type) => ({ value: type, label: t(`automation.action.${type}`) }))}
                />
                <ActionInputs action={action} options={options} onChange={(a) => setActions(replaceAt(draft.actions, index, a))} />
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('routing.delete')}
                  onClick={() => setActions(draft.actions.filter((_, i) => i !== index))}
                />
              </Space>
            ))}
            <Button size="small" icon={<PlusOutlined />} onClick={() => setActions([...draft.actions, defaultAction('add_tag')])}>
              {t('automation.editor.addAction')}
            </Button>
          </Space>
        </Card>
        {problems.length > 0 && <Alert type="warning" showIcon title={problems.map((p) => t(p)).join(' · ')} />}
        <Card
          size="small"
          title={t('automation.dryRun.title')}
          extra={
            <Button size="small" icon={<ExperimentOutlined />} loading={testing} onClick={runPreview}>
              {t('automation.dryRun.run')}
            </Button>
          }
        >
          <Typography.Paragraph type="secondary">{t('automation.dryRun.help')}</Typography.Paragraph>
          {previewError && <Alert type="error" title={previewError} />}
          {preview && <DryRunTable result={preview} language={language} />}
        </Card>
      </Space>
    </Drawer>
  );
}

/** The conversations a dry-run matched. */
export function DryRunTable({ result, language }: { result: DryRunResult; language: string }) {
  const { t } = useI18n();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Text strong data-testid="dry-run-summary">
        {t('automation.dryRun.summary', { matched: result.matches.length, evaluated: result.evaluated })}
      </Typography.Text>
      <Table
        size="small"
        rowKey="conversationId"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={result.matches}
        columns={[
          { title: t('routing.decisions.at'), render: (_, m) => new Date(m.at).toLocaleString(language === 'en' ? 'en-GB' : 'zh-CN') },
          {
            title: t('routing.decisions.conversation'),
            render: (_, m) => <a href={`/conversations/${m.conversationId}`}>{m.subject || m.conversationId.slice(0, 8)}</a>,
          },
          {
            title: t('automation.dryRun.text'),
            render: (_, m) => (
              <Typography.Text ellipsis style={{ maxWidth: 280 }}>
                {m.text}
              </Typography.Text>
            ),
          },
          {
            title: t('automation.condition.emotion'),
            render: (_, m) => (m.emotion ? <Tag>{`${t(`emotion.${m.emotion}`)} ${(m.intensity ?? 0).toFixed(2)}`}</Tag> : '—'),
          },
        ]}
      />
    </Space>
  );
}
