import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../api/instance.js';
import { listInboxes, type InboxSummary } from '../../api/settings.js';
import type { Me, Team } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { ListCard } from '../settings/list-card.js';
import {
  createQueue,
  defaultQueue,
  deleteQueue,
  inAbuseCooldown,
  listDecisions,
  listQueues,
  listRoutingAgents,
  sortByTurnaround,
  toQueueInput,
  updateQueue,
  updateRoutingAgent,
  type Decision,
  type Presence,
  type Queue,
  type QueueInput,
  type RoutingAgent,
} from './api.js';

const STRATEGIES = ['least_busy', 'round_robin', 'skills'] as const;
const FALLBACKS = ['least_busy', 'round_robin', 'none'] as const;
const PRESENCES: Presence[] = ['online', 'away', 'offline'];
const PRESENCE_COLOR: Record<Presence, string> = { online: 'green', away: 'gold', offline: 'default' };

function useRun() {
  const { message } = App.useApp();
  const { t } = useI18n();
  return useCallback(
    async (action: () => Promise<unknown>, done?: string): Promise<boolean> => {
      try {
        await action();
        if (done) void message.success(done);
        return true;
      } catch (e) {
        void message.error(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
        return false;
      }
    },
    [message, t],
  );
}

/** The queue form: target (inbox or team), strategy with fallback, skills, continuity and emotion-aware settings. */
function QueueEditor({
  initial,
  inboxes,
  teams,
  onCancel,
  onSave,
}: {
  initial: QueueInput;
  inboxes: InboxSummary[];
  teams: Team[];
  onCancel(): void;
  onSave(input: QueueInput): void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(initial);
  const set = <K extends keyof QueueInput>(key: K, value: QueueInput[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const valid = draft.name.trim() !== '' && (draft.inboxId !== null || draft.teamId !== null);
  return (
    <Modal
      open
      title={t('routing.queue.edit')}
      okText={t('routing.save')}
      cancelText={t('routing.cancel')}
      okButtonProps={{ disabled: !valid }}
      onCancel={onCancel}
      onOk={() => onSave({ ...draft, name: draft.name.trim() })}
      width={620}
    >
      <Form layout="vertical" size="small">
        <Form.Item label={t('routing.queue.name')} required>
          <Input aria-label={t('routing.queue.name')} value={draft.name} maxLength={200} onChange={(e) => set('name', e.target.value)} />
        </Form.Item>
        <Space wrap>
          <Form.Item label={t('routing.queue.inbox')}>
            <Select<string>
              allowClear
              style={{ width: 260 }}
              aria-label={t('routing.queue.inbox')}
              value={draft.inboxId ?? undefined}
              onChange={(value) => set('inboxId', value ?? null)}
              options={inboxes.map((i) => ({ value: i.id, label: i.name }))}
            />
          </Form.Item>
          <Form.Item label={t('routing.queue.team')}>
            <Select<string>
              allowClear
              style={{ width: 220 }}
              aria-label={t('routing.queue.team')}
              value={draft.teamId ?? undefined}
              onChange={(value) => set('teamId', value ?? null)}
              options={teams.map((team) => ({ value: team.id, label: team.name }))}
            />
          </Form.Item>
        </Space>
        <Typography.Paragraph type="secondary">{t('routing.queue.targetHelp')}</Typography.Paragraph>
        <Space wrap>
          <Form.Item label={t('routing.queue.strategy')}>
            <Select
              style={{ width: 200 }}
              aria-label={t('routing.queue.strategy')}
              value={draft.strategy}
              onChange={(value) => set('strategy', value)}
              options={STRATEGIES.map((s) => ({ value: s, label: t(`routing.strategy.${s}`) }))}
            />
          </Form.Item>
          {draft.strategy === 'skills' && (
            <Form.Item label={t('routing.queue.fallback')}>
              <Select
                style={{ width: 200 }}
                aria-label={t('routing.queue.fallback')}
                value={draft.fallback}
                onChange={(value) => set('fallback', value)}
                options={FALLBACKS.map((s) => ({ value: s, label: t(`routing.fallback.${s}`) }))}
              />
            </Form.Item>
          )}
        </Space>
        {draft.strategy === 'skills' && (
          <Form.Item label={t('routing.queue.requiredSkills')}>
            <Select
              mode="tags"
              aria-label={t('routing.queue.requiredSkills')}
              value={draft.requiredSkills}
              onChange={(value: string[]) => set('requiredSkills', value)}
              tokenSeparators={[',', '，']}
            />
          </Form.Item>
        )}
        <Space orientation="vertical" size={6}>
          {(['matchLanguage', 'continuity', 'emotionAware'] as const).map((key) => (
            <Space key={key} size={8}>
              <Switch size="small" checked={draft[key]} onChange={(v) => set(key, v)} aria-label={t(`routing.queue.${key}`)} />
              <Typography.Text>{t(`routing.queue.${key}`)}</Typography.Text>
            </Space>
          ))}
        </Space>
        {draft.emotionAware && (
          <Space wrap style={{ marginTop: 12 }}>
            <Form.Item label={t('routing.queue.angerThreshold')}>
              <InputNumber<number>
                min={0}
                max={1}
                step={0.05}
                aria-label={t('routing.queue.angerThreshold')}
                value={draft.angerThreshold}
                onChange={(v) => set('angerThreshold', v ?? 0.6)}
              />
            </Form.Item>
            <Form.Item label={t('routing.queue.abuseCooldown')}>
              <InputNumber<number>
                min={0}
                max={1440}
                aria-label={t('routing.queue.abuseCooldown')}
                value={draft.abuseCooldownMinutes}
                onChange={(v) => set('abuseCooldownMinutes', v ?? 30)}
              />
            </Form.Item>
            <Form.Item label={t('routing.queue.escalateToSupervisor')}>
              <Switch
                checked={draft.escalateToSupervisor}
                onChange={(v) => set('escalateToSupervisor', v)}
                aria-label={t('routing.queue.escalateToSupervisor')}
              />
            </Form.Item>
          </Space>
        )}
      </Form>
    </Modal>
  );
}

/** Routing settings: queues per inbox or team, staff presence / capacity / skills with the turnaround ranking, decisions. */
export function RoutingSettings({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const run = useRun();
  const [queues, setQueues] = useState<Queue[] | null>(null);
  const [agents, setAgents] = useState<RoutingAgent[]>([]);
  const [decisions, setDecisions] = useState<Decision[]>([]);
  const [inboxes, setInboxes] = useState<InboxSummary[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [editing, setEditing] = useState<{ id: string | null; input: QueueInput } | null>(null);

  const reload = useCallback(() => {
    void run(async () => {
      const [q, a, d] = await Promise.all([listQueues(), listRoutingAgents(), listDecisions()]);
      setQueues(q);
      setAgents(a);
      setDecisions(d);
    });
  }, [run]);
  useEffect(() => {
    reload();
    listInboxes().then(setInboxes, () => setInboxes([]));
    api.listTeams().then(setTeams, () => setTeams([]));
  }, [reload]);

  const inboxName = useMemo(() => new Map(inboxes.map((i) => [i.id, i.name])), [inboxes]);
  const teamName = useMemo(() => new Map(teams.map((team) => [team.id, team.name])), [teams]);
  const cooldown = Math.max(0, ...(queues ?? []).map((q) => q.abuseCooldownMinutes));
  const now = new Date();
  const time = (iso: string) => new Date(iso).toLocaleString(language === 'en' ? 'en-GB' : 'zh-CN');

  const saveQueue = (input: QueueInput) => {
    const id = editing?.id ?? null;
    void run(() => (id ? updateQueue(id, input) : createQueue(input)), t('routing.saved')).then((ok) => {
      if (!ok) return;
      setEditing(null);
      reload();
    });
  };
  const patchAgent = (id: string, change: { presence?: Presence; capacity?: number; skills?: string[] }) =>
    void run(() => updateRoutingAgent(id, change), t('routing.saved')).then((ok) => ok && reload());

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} className="routing-settings">
      <ListCard
        title={t('routing.queues')}
        help={t('routing.help')}
        newLabel={t('routing.queue.new')}
        onNew={() => setEditing({ id: null, input: defaultQueue() })}
        onReload={reload}
      >
        <Table<Queue>
          size="small"
          rowKey="id"
          loading={queues === null}
          dataSource={queues ?? []}
          pagination={false}
          locale={{ emptyText: t('routing.queue.none') }}
          columns={[
            { title: t('routing.queue.name'), dataIndex: 'name' },
            {
              title: t('routing.queue.target'),
              render: (_, q) =>
                q.inboxId
                  ? `${t('routing.queue.inbox')}: ${inboxName.get(q.inboxId) ?? q.inboxId}`
                  : `${t('routing.queue.team')}: ${q.teamId ? (teamName.get(q.teamId) ?? q.teamId) : ''}`,
            },
            {
              title: t('routing.queue.strategy'),
              render: (_, q) => (
                <Space size={4} wrap>
                  <Tag color="blue">{t(`routing.strategy.${q.strategy}`)}</Tag>
                  {q.strategy === 'skills' && q.requiredSkills.map((s) => <Tag key={s}>{s}</Tag>)}
                  {q.continuity && <Tag>{t('routing.tag.continuity')}</Tag>}
                  {q.emotionAware && <Tag color="volcano">{t('routing.tag.emotionAware')}</Tag>}
                </Space>
              ),
            },
            {
              title: t('routing.queue.enabled'),
              render: (_, q) => (
                <Switch
                  size="small"
                  checked={q.enabled}
                  aria-label={`${t('routing.queue.enabled')} ${q.name}`}
                  onChange={(enabled) => void run(() => updateQueue(q.id, { enabled })).then((ok) => ok && reload())}
                />
              ),
            },
            {
              title: '',
              render: (_, q) => (
                <Space>
                  <Button
                    size="small"
                    icon={<EditOutlined />}
                    aria-label={`${t('routing.edit')} ${q.name}`}
                    onClick={() => setEditing({ id: q.id, input: toQueueInput(q) })}
                  />
                  <Popconfirm
                    title={t('routing.queue.deleteConfirm')}
                    onConfirm={() => void run(() => deleteQueue(q.id)).then((ok) => ok && reload())}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />} aria-label={`${t('routing.delete')} ${q.name}`} />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </ListCard>

      <Card size="small" title={t('routing.agents')}>
        <Typography.Paragraph type="secondary">{t('routing.agents.help')}</Typography.Paragraph>
        <Table<RoutingAgent>
          size="small"
          rowKey="id"
          dataSource={sortByTurnaround(agents)}
          pagination={false}
          columns={[
            {
              title: t('routing.agents.rank'),
              width: 70,
              render: (_, a) => (a.rank === null ? '—' : `#${a.rank}`),
            },
            { title: t('routing.agents.name'), render: (_, a) => `${a.name}${a.id === me.id ? ` (${t('routing.agents.you')})` : ''}` },
            { title: t('routing.agents.role'), render: (_, a) => t(`role.${a.role}`) },
            {
              title: t('routing.agents.presence'),
              render: (_, a) => (
                <Select<Presence>
                  size="small"
                  style={{ width: 110 }}
                  aria-label={`${t('routing.agents.presence')} ${a.name}`}
                  value={a.presence}
                  onChange={(presence) => patchAgent(a.id, { presence })}
                  options={PRESENCES.map((p) => ({ value: p, label: <Tag color={PRESENCE_COLOR[p]}>{t(`routing.presence.${p}`)}</Tag> }))}
                />
              ),
            },
            {
              title: t('routing.agents.load'),
              render: (_, a) => (
                <Space size={4}>
                  <span>{a.load} /</span>
                  <InputNumber<number>
                    size="small"
                    min={0}
                    max={100}
                    style={{ width: 64 }}
                    aria-label={`${t('routing.agents.capacity')} ${a.name}`}
                    defaultValue={a.capacity}
                    onBlur={(e) => {
                      const capacity = Number(e.target.value);
                      if (Number.isInteger(capacity) && capacity !== a.capacity) patchAgent(a.id, { capacity });
                    }}
                  />
                </Space>
              ),
            },
            {
              title: t('routing.agents.skills'),
              render: (_, a) => (
                <Select
                  mode="tags"
                  size="small"
                  style={{ minWidth: 180 }}
                  aria-label={`${t('routing.agents.skills')} ${a.name}`}
                  value={a.skills}
                  tokenSeparators={[',', '，']}
                  onChange={(skills: string[]) => patchAgent(a.id, { skills })}
                />
              ),
            },
            { title: t('routing.agents.languages'), render: (_, a) => a.languages.join(' / ') },
            {
              title: t('routing.agents.turnaround'),
              render: (_, a) =>
                a.turnaround.conversations === 0 ? (
                  <Typography.Text type="secondary">{t('routing.agents.unmeasured')}</Typography.Text>
                ) : (
                  <Tooltip title={t('routing.agents.turnaroundHelp', { score: a.turnaround.score ?? 0 })}>
                    {t('routing.agents.turnaroundValue', { mean: (a.turnaround.mean ?? 0).toFixed(2), n: a.turnaround.conversations })}
                  </Tooltip>
                ),
            },
            {
              title: t('routing.agents.abuse'),
              render: (_, a) =>
                inAbuseCooldown(a, cooldown, now) ? (
                  <Tag color="red">{t('routing.agents.cooldown')}</Tag>
                ) : a.lastAbuseAt ? (
                  <Typography.Text type="secondary">{time(a.lastAbuseAt)}</Typography.Text>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      </Card>

      <Card size="small" title={t('routing.decisions')}>
        <Table<Decision>
          size="small"
          rowKey="id"
          dataSource={decisions}
          pagination={false}
          locale={{ emptyText: t('routing.decisions.none') }}
          columns={[
            { title: t('routing.decisions.at'), render: (_, d) => time(d.createdAt) },
            {
              title: t('routing.decisions.conversation'),
              render: (_, d) => <a href={`/conversations/${d.conversationId}`}>{d.conversationId.slice(0, 8)}</a>,
            },
            { title: t('routing.decisions.queue'), render: (_, d) => d.queueName ?? '—' },
            { title: t('routing.decisions.assignee'), render: (_, d) => d.assigneeName ?? t('routing.decisions.nobody') },
            {
              title: t('routing.decisions.reason'),
              render: (_, d) => (
                <Space size={4}>
                  <Tag color={d.reason.startsWith('emotion') ? 'volcano' : d.reason === 'nobody_available' ? 'default' : 'blue'}>
                    {t(`routing.reason.${d.reason}`)}
                  </Tag>
                  {d.details.upset === true && <Tag color="red">{t('routing.decisions.upset')}</Tag>}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {editing && (
        <QueueEditor initial={editing.input} inboxes={inboxes} teams={teams} onCancel={() => setEditing(null)} onSave={saveQueue} />
      )}
    </Space>
  );
}
