import { DeleteOutlined, EditOutlined, ExperimentOutlined } from '@ant-design/icons';
import { App, Button, Card, Modal, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/instance.js';
import { listInboxes } from '../../api/settings.js';
import type { Me } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { ListCard } from '../settings/list-card.js';
import {
  createRule,
  deleteRule,
  dryRun,
  listFirings,
  listRules,
  listWebhooks,
  updateRule,
  type DryRunResult,
  type Firing,
  type Rule,
  type RuleInput,
} from './api.js';
import { emptyRule, toRuleInput } from './model.js';
import { DryRunTable, RuleEditor, type RuleOptions } from './rule-editor.js';

const STATUS_COLOR: Record<Firing['actions'][number]['status'], string> = {
  done: 'green',
  queued: 'blue',
  skipped: 'default',
  failed: 'red',
};

/** Automation settings: the rules (enable, edit, dry-run, delete) and the log of every firing. */
export function AutomationSettings({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [firings, setFirings] = useState<Firing[]>([]);
  const [options, setOptions] = useState<RuleOptions>({ inboxes: [], teams: [], users: [], canned: [], webhooks: null });
  const [editing, setEditing] = useState<{ id: string | null; input: RuleInput } | null>(null);
  const [preview, setPreview] = useState<{ rule: Rule; result: DryRunResult } | null>(null);

  const run = useCallback(
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
  const reload = useCallback(() => {
    void run(async () => {
      const [r, f] = await Promise.all([listRules(), listFirings()]);
      setRules(r);
      setFirings(f);
    });
  }, [run]);
  useEffect(() => {
    reload();
    const quiet = <T,>(promise: Promise<T>, fallback: T) => promise.catch(() => fallback);
    void Promise.all([
      quiet(listInboxes(), []),
      quiet(api.listTeams(), []),
      quiet(api.listUsers(), []),
      quiet(api.searchCannedReplies(''), []),
      me.role === 'admin' ? quiet<{ id: string; url: string }[] | null>(listWebhooks(), null) : Promise.resolve(null),
    ]).then(([inboxes, teams, users, canned, webhooks]) => setOptions({ inboxes, teams, users, canned, webhooks }));
  }, [reload, me.role]);

  const save = (input: RuleInput) => {
    const id = editing?.id ?? null;
    void run(() => (id ? updateRule(id, input) : createRule(input)), t('routing.saved')).then((ok) => {
      if (!ok) return;
      setEditing(null);
      reload();
    });
  };
  const time = (iso: string) => new Date(iso).toLocaleString(language === 'en' ? 'en-GB' : 'zh-CN');
  const ruleName = (id: string | null, fallback: string) => rules?.find((r) => r.id === id)?.name ?? fallback;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} className="automation-settings">
      <ListCard
        title={t('automation.rules')}
        help={t('automation.help')}
        newLabel={t('automation.rule.new')}
        onNew={() => setEditing({ id: null, input: emptyRule() })}
        onReload={reload}
      >
        <Table<Rule>
          size="small"
          rowKey="id"
          loading={rules === null}
          dataSource={rules ?? []}
          pagination={false}
          locale={{ emptyText: t('automation.rule.none') }}
          columns={[
            { title: t('automation.rule.name'), dataIndex: 'name' },
            { title: t('automation.rule.event'), render: (_, r) => <Tag>{t(`automation.event.${r.event}`)}</Tag> },
            {
              title: t('automation.editor.when'),
              render: (_, r) =>
                r.conditions.conditions.length === 0 ? (
                  <Typography.Text type="secondary">{t('automation.editor.always')}</Typography.Text>
                ) : (
                  <Space size={4} wrap>
                    {r.conditions.conditions.map((c, i) => (
                      <Tag key={i}>{t(`automation.condition.${c.type}`)}</Tag>
                    ))}
                    {r.conditions.conditions.length > 1 && (
                      <Typography.Text type="secondary">({t(`automation.match.${r.conditions.match}`)})</Typography.Text>
                    )}
                  </Space>
                ),
            },
            {
              title: t('automation.editor.then'),
              render: (_, r) => (
                <Space size={4} wrap>
                  {r.actions.map((a, i) => (
                    <Tag color="blue" key={i}>
                      {t(`automation.action.${a.type}`)}
                    </Tag>
                  ))}
                </Space>
              ),
            },
            {
              title: t('automation.rule.enabled'),
              render: (_, r) => (
                <Switch
                  size="small"
                  checked={r.enabled}
                  aria-label={`${t('automation.rule.enabled')} ${r.name}`}
                  onChange={(enabled) => void run(() => updateRule(r.id, { enabled })).then((ok) => ok && reload())}
                />
              ),
            },
            {
              title: '',
              render: (_, r) => (
                <Space>
                  <Button
                    size="small"
                    icon={<ExperimentOutlined />}
                    aria-label={`${t('automation.dryRun.run')} ${r.name}`}
                    onClick={() => void run(async () => setPreview({ rule: r, result: await dryRun(r) }))}
                  />
                  <Button
                    size="small"
                    icon={<EditOutlined />}
                    aria-label={`${t('routing.edit')} ${r.name}`}
                    onClick={() => setEditing({ id: r.id, input: toRuleInput(r) })}
                  />
                  <Popconfirm
                    title={t('automation.rule.deleteConfirm')}
                    onConfirm={() => void run(() => deleteRule(r.id)).then((ok) => ok && reload())}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />} aria-label={`${t('routing.delete')} ${r.name}`} />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </ListCard>

      <Card size="small" title={t('automation.firings')}>
        <Table<Firing>
          size="small"
          rowKey="id"
          dataSource={firings}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t('automation.firings.none') }}
          columns={[
            { title: t('routing.decisions.at'), render: (_, f) => time(f.createdAt) },
            { title: t('automation.rule.name'), render: (_, f) => ruleName(f.ruleId, f.ruleName) },
            { title: t('automation.rule.event'), render: (_, f) => t(`automation.event.${f.event}`) },
            {
              title: t('routing.decisions.conversation'),
              render: (_, f) => <a href={`/conversations/${f.conversationId}`}>{f.conversationId.slice(0, 8)}</a>,
            },
            {
              title: t('automation.firings.actions'),
              render: (_, f) => (
                <Space size={4} wrap>
                  {f.actions.map((a, i) => (
                    <Tag key={i} color={STATUS_COLOR[a.status]} title={a.detail}>
                      {`${t(`automation.action.${a.type}`)} · ${t(`automation.status.${a.status}`)}`}
                    </Tag>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      </Card>

      {editing && <RuleEditor initial={editing.input} options={options} onCancel={() => setEditing(null)} onSave={save} />}
      {preview && (
        <Modal
          open
          width={820}
          title={`${t('automation.dryRun.title')} · ${preview.rule.name}`}
          footer={null}
          onCancel={() => setPreview(null)}
        >
          <DryRunTable result={preview.result} language={language} />
        </Modal>
      )}
    </Space>
  );
}
