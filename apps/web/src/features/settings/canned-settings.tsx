import { DeleteOutlined, EditOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, Modal, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { Catalogue } from '@tongli/engine';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TextAreaRef } from 'antd/es/input/TextArea.js';
import { useI18n } from '../../i18n/i18n.js';
import { describeFinding } from '../composer/engine.js';
import { useEngine } from '../composer/use-engine.js';
import {
  analyzeTemplate,
  CANNED_VARIABLES,
  createCannedReply,
  deleteCannedReply,
  listCannedReplies,
  unknownVariables,
  updateCannedReply,
  type CannedReplyDetail,
  type CannedReplyInput,
  type TemplateAnalysis,
} from './canned-api.js';

const POLARITY_COLORS = { good: 'green', harmful: 'red', neutral: 'default' } as const;
const SHORT_CODE = /^[a-z0-9_-]+$/;
const EMPTY: CannedReplyInput = { shortCode: '', title: '', body: '', locale: 'zh-CN' };

/** What the engine found in a template: harmful techniques first (with their explanation), then the rest. */
export function TemplateFindings({
  analysis,
  catalogue,
  lang,
}: {
  analysis: TemplateAnalysis;
  catalogue: Readonly<Catalogue> | undefined;
  lang: 'zh' | 'en';
}) {
  const { t } = useI18n();
  const names = analysis.harmful.map((id) => describeFinding(catalogue, id, lang).name);
  const ordered = [...analysis.techniques].sort((a, b) => Number(b.polarity === 'harmful') - Number(a.polarity === 'harmful'));
  return (
    <div className="canned-findings" data-flagged={analysis.flagged}>
      {analysis.flagged ? (
        <Alert type="error" showIcon title={t('cannedSettings.flagged', { names: names.join(t('list.separator')) })} />
      ) : (
        <Alert type="success" showIcon title={t('cannedSettings.clean')} />
      )}
      {ordered.length > 0 && (
        <ul className="canned-finding-list" style={{ paddingLeft: 0, listStyle: 'none', marginTop: 8 }}>
          {ordered.map((f) => {
            const about = describeFinding(catalogue, f.id, lang);
            return (
              <li key={`${f.id}:${f.start}`} data-technique={f.id} data-polarity={f.polarity} style={{ marginBottom: 4 }}>
                <Tag color={POLARITY_COLORS[f.polarity]}>{about.name}</Tag>
                <Typography.Text code>{f.text}</Typography.Text>
                {f.polarity === 'harmful' && about.explanation && (
                  <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                    {about.explanation}
                  </Typography.Text>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/**
 * The canned-reply editor (settings tab `canned`): every reply with its short code, variables, usage (times sent,
 * last sent) and the engine's verdict on its wording; create and edit with a live empathy analysis by the browser
 * engine, so a template holding a non-apology or a blunt no is flagged while it is written.
 */
export function CannedSettings() {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const engine = useEngine();
  const lang = language === 'en' ? 'en' : 'zh';
  const [items, setItems] = useState<CannedReplyDetail[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<{ id: string | null; draft: CannedReplyInput } | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const body = useRef<TextAreaRef>(null);

  const load = useCallback(() => {
    listCannedReplies().then(
      (list) => {
        setItems(list);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useEffect(load, [load]);

  const draftBody = editing?.draft.body ?? '';
  const live = useMemo(() => (engine && draftBody.trim() ? analyzeTemplate(engine.analyzer, draftBody) : null), [engine, draftBody]);
  const unknown = useMemo(() => unknownVariables(draftBody), [draftBody]);

  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    if (!items || !q) return items ?? [];
    return items.filter((r) => [r.shortCode, r.title, r.body].some((text) => text.toLowerCase().includes(q)));
  }, [items, search]);

  const change = (patch: Partial<CannedReplyInput>) => setEditing((e) => (e ? { ...e, draft: { ...e.draft, ...patch } } : e));
  const insertVariable = (name: string) => {
    const area = body.current?.resizableTextArea?.textArea;
    const text = `{{${name}}}`;
    const at = area?.selectionStart ?? draftBody.length;
    const end = area?.selectionEnd ?? at;
    change({ body: draftBody.slice(0, at) + text + draftBody.slice(end) });
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(at + text.length, at + text.length);
    });
  };

  const valid =
    editing !== null &&
    SHORT_CODE.test(editing.draft.shortCode) &&
    editing.draft.title.trim() !== '' &&
    editing.draft.body.trim() !== '' &&
    unknown.length === 0;

  const save = async () => {
    if (!editing || !valid) return;
    setSaving(true);
    setSaveError(null);
    try {
      if (editing.id) await updateCannedReply(editing.id, editing.draft);
      else await createCannedReply(editing.draft);
      setEditing(null);
      void message.success(t('cannedSettings.saved'));
      load();
    } catch (e) {
      setSaveError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  const remove = async (id: string) => {
    try {
      await deleteCannedReply(id);
      load();
    } catch (e) {
      void message.error(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
    }
  };

  const when = (iso: string) => new Date(iso).toLocaleString(language === 'en' ? 'en-GB' : 'zh-CN');
  const columns: TableColumnsType<CannedReplyDetail> = [
    { key: 'shortCode', title: t('cannedSettings.shortCode'), render: (_, r) => <Typography.Text code>/{r.shortCode}</Typography.Text> },
    {
      key: 'title',
      title: t('cannedSettings.title'),
      render: (_, r) => (
        <div style={{ maxWidth: 420 }}>
          <div>{r.title}</div>
          <Typography.Text type="secondary" ellipsis={{ tooltip: r.body }} style={{ maxWidth: 420 }}>
            {r.body}
          </Typography.Text>
        </div>
      ),
    },
    { key: 'locale', title: t('cannedSettings.locale'), render: (_, r) => r.locale },
    {
      key: 'variables',
      title: t('cannedSettings.variables'),
      render: (_, r) => r.variables.map((v) => <Tag key={v}>{`{{${v}}}`}</Tag>),
    },
    {
      key: 'empathy',
      title: t('cannedSettings.empathy'),
      render: (_, r) =>
        r.analysis.flagged ? (
          <Tooltip title={r.analysis.harmful.map((id) => describeFinding(engine?.catalogue, id, lang).name).join(t('list.separator'))}>
            <Tag color="red" icon={<WarningOutlined />} data-flagged="true">
              {t('cannedSettings.needsWork')}
            </Tag>
          </Tooltip>
        ) : (
          <Tag color="green">{t('cannedSettings.ok')}</Tag>
        ),
    },
    {
      key: 'usage',
      title: t('cannedSettings.usage'),
      align: 'right',
      sorter: (a, b) => a.usage.count - b.usage.count,
      render: (_, r) => <span data-usage={r.usage.count}>{r.usage.count}</span>,
    },
    {
      key: 'lastUsed',
      title: t('cannedSettings.lastUsed'),
      render: (_, r) => (r.usage.lastUsedAt ? when(r.usage.lastUsedAt) : t('cannedSettings.never')),
    },
    {
      key: 'actions',
      title: '',
      render: (_, r) => (
        <Space size={4}>
          <Button
            size="small"
            icon={<EditOutlined />}
            aria-label={t('cannedSettings.edit', { code: r.shortCode })}
            onClick={() => {
              setSaveError(null);
              setEditing({ id: r.id, draft: { shortCode: r.shortCode, title: r.title, body: r.body, locale: r.locale } });
            }}
          />
          <Popconfirm title={t('cannedSettings.deleteConfirm', { code: r.shortCode })} onConfirm={() => void remove(r.id)}>
            <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('cannedSettings.delete', { code: r.shortCode })} />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <div className="canned-settings">
      <Space wrap style={{ marginBottom: 12 }}>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => {
            setSaveError(null);
            setEditing({ id: null, draft: { ...EMPTY, locale: language === 'en' ? 'en' : 'zh-CN' } });
          }}
        >
          {t('cannedSettings.new')}
        </Button>
        <Input.Search
          allowClear
          aria-label={t('cannedSettings.search')}
          placeholder={t('cannedSettings.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: 260 }}
        />
      </Space>
      {error && <Alert type="error" showIcon title={t('app.error', { message: error })} style={{ marginBottom: 12 }} />}
      <Table<CannedReplyDetail>
        rowKey="id"
        size="small"
        loading={items === null && !error}
        columns={columns}
        dataSource={shown}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('cannedSettings.empty') }}
      />
      <Modal
        open={editing !== null}
        title={editing?.id ? t('cannedSettings.editTitle') : t('cannedSettings.createTitle')}
        okText={t('cannedSettings.save')}
        cancelText={t('cannedSettings.cancel')}
        okButtonProps={{ disabled: !valid, loading: saving }}
        onOk={() => void save()}
        onCancel={() => setEditing(null)}
        width={720}
        destroyOnHidden
      >
        {editing && (
          <Space orientation="vertical" style={{ width: '100%' }} size={12}>
            <Space wrap>
              <Input
                addonBefore="/"
                aria-label={t('cannedSettings.shortCode')}
                placeholder={t('cannedSettings.shortCodeHint')}
                value={editing.draft.shortCode}
                status={editing.draft.shortCode && !SHORT_CODE.test(editing.draft.shortCode) ? 'error' : undefined}
                onChange={(e) => change({ shortCode: e.target.value })}
                style={{ width: 220 }}
              />
              <Input
                aria-label={t('cannedSettings.title')}
                placeholder={t('cannedSettings.title')}
                value={editing.draft.title}
                onChange={(e) => change({ title: e.target.value })}
                style={{ width: 260 }}
              />
              <Select
                aria-label={t('cannedSettings.locale')}
                value={editing.draft.locale}
                onChange={(locale: string) => change({ locale })}
                options={[
                  { value: 'zh-CN', label: '中文' },
                  { value: 'en', label: 'English' },
                ]}
                style={{ width: 120 }}
              />
            </Space>
            <Input.TextArea
              ref={body}
              aria-label={t('cannedSettings.body')}
              placeholder={t('cannedSettings.bodyHint')}
              value={editing.draft.body}
              onChange={(e) => change({ body: e.target.value })}
              autoSize={{ minRows: 4, maxRows: 10 }}
            />
            <Space wrap size={4} aria-label={t('cannedSettings.insertVariable')}>
              <Typography.Text type="secondary">{t('cannedSettings.insertVariable')}</Typography.Text>
              {CANNED_VARIABLES.map((name) => (
                <Button key={name} size="small" onClick={() => insertVariable(name)} data-variable={name}>
                  {`{{${name}}}`}
                </Button>
              ))}
            </Space>
            {unknown.length > 0 && (
              <Alert
                type="warning"
                showIcon
                title={t('cannedSettings.unknownVariables', { names: unknown.map((v) => `{{${v}}}`).join(t('list.separator')) })}
              />
            )}
            <div aria-live="polite">
              <Typography.Text strong>{t('cannedSettings.analysis')}</Typography.Text>
              <div style={{ marginTop: 6 }}>
                {!engine ? (
                  <Typography.Text type="secondary">{t('composer.coachLoading')}</Typography.Text>
                ) : !live ? (
                  <Typography.Text type="secondary">{t('cannedSettings.analysisIdle')}</Typography.Text>
                ) : (
                  <TemplateFindings analysis={live} catalogue={engine.catalogue} lang={lang} />
                )}
              </div>
            </div>
            {saveError && <Alert type="error" showIcon title={t('app.error', { message: saveError })} />}
          </Space>
        )}
      </Modal>
    </div>
  );
}
