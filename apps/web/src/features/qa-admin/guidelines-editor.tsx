import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Analyzer, CoachResult } from '@tongli/engine';
import { Alert, App, Button, Card, Empty, Input, Select, Spin, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { getGuidelines, saveGuidelines, type GuidelinesContent } from '../../api/settings.js';
import { useI18n } from '../../i18n/i18n.js';
import { reloadEngine } from '../composer/engine.js';
import { useEngine } from '../composer/use-engine.js';
import { cleanGuidelines } from './model.js';

type ListKey = keyof GuidelinesContent;
const EMPTY_ROW: { [K in ListKey]: GuidelinesContent[K][number] } = {
  doSay: { phrase: '' },
  dontSay: { phrase: '', rewrite: '' },
  glossary: { term: '', plain: '' },
};
const HINT_COLORS = { avoid: 'red', do: 'blue', alert: 'volcano', praise: 'green' } as const;
const errorText = (e: unknown) => (e instanceof Error ? e.message.replace(/^tongli: /, '') : String(e));

/**
 * The organisation's do-say / don't-say phrases and glossary, with a "try it" box that coaches a sample draft with the
 * edited lists in the browser engine before they are saved; saving applies them to the server's engine at once.
 */
export function GuidelinesEditor({ canEdit }: { canEdit: boolean }) {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const engine = useEngine();
  const [draft, setDraft] = useState<GuidelinesContent | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [customer, setCustomer] = useState('我等了三天了，到底什么时候发货？');
  const [sample, setSample] = useState('亲，这个不归我们管，SLA是48小时。');
  const [tried, setTried] = useState<{ analyzer?: Analyzer; error?: string }>({});

  useEffect(() => {
    getGuidelines().then(
      (g) => {
        setDraft(g.content);
        setVersion(g.version);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, []);

  // The analyser for the lists as edited (rebuilt a moment after the last change; an invalid list shows its error).
  useEffect(() => {
    if (!draft) return;
    const timer = setTimeout(() => {
      import('@tongli/engine').then(
        ({ createAnalyzer }) => {
          try {
            setTried({ analyzer: createAnalyzer({ guidelines: cleanGuidelines(draft) }) });
          } catch (e) {
            setTried({ error: errorText(e) });
          }
        },
        (e: unknown) => setTried({ error: errorText(e) }),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [draft]);

  const coached: CoachResult | undefined = useMemo(
    () => (tried.analyzer && sample.trim() ? tried.analyzer.coach(sample, { customer }) : undefined),
    [tried.analyzer, sample, customer],
  );

  if (error) return <Alert type="error" showIcon title={t('app.error', { message: error })} />;
  if (!draft) return <Spin className="pane-spinner" />;

  const update = <K extends ListKey>(key: K, index: number, patch: Partial<GuidelinesContent[K][number]>) =>
    setDraft((d) => (d ? { ...d, [key]: d[key].map((row, i) => (i === index ? { ...row, ...patch } : row)) } : d));
  const remove = (key: ListKey, index: number) => setDraft((d) => (d ? { ...d, [key]: d[key].filter((_, i) => i !== index) } : d));
  const add = (key: ListKey) => setDraft((d) => (d ? { ...d, [key]: [...d[key], { ...EMPTY_ROW[key] }] } : d));

  const save = () => {
    setSaving(true);
    saveGuidelines(cleanGuidelines(draft)).then(
      (saved) => {
        setDraft(saved.content);
        setVersion(saved.version);
        setSaving(false);
        reloadEngine();
        void message.success(t('guidelines.saved', { version: saved.version }));
      },
      (e: unknown) => {
        setSaving(false);
        void message.error(t('app.error', { message: errorText(e) }));
      },
    );
  };

  const techniques = (engine?.catalogue.techniques ?? [])
    .filter((x) => x.polarity !== 'harmful')
    .map((x) => ({ value: x.id, label: x.name[language === 'en' ? 'en' : 'zh'] }));

  const section = (key: ListKey) => (
    <Card
      size="small"
      title={t(`guidelines.${key}`)}
      extra={<Typography.Text type="secondary">{t(`guidelines.${key}.about`)}</Typography.Text>}
      className="settings-card"
      data-list={key}
    >
      {draft[key].length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('guidelines.none')} />}
      {draft[key].map((row, i) => (
        <div className="settings-row" key={i}>
          {key === 'glossary' ? (
            <>
              <Input
                aria-label={t('guidelines.term')}
                placeholder={t('guidelines.term')}
                value={(row as GuidelinesContent['glossary'][number]).term}
                onChange={(e) => update('glossary', i, { term: e.target.value })}
                disabled={!canEdit}
                maxLength={200}
              />
              <Input
                aria-label={t('guidelines.plain')}
                placeholder={t('guidelines.plain')}
                value={(row as GuidelinesContent['glossary'][number]).plain}
                onChange={(e) => update('glossary', i, { plain: e.target.value })}
                disabled={!canEdit}
                maxLength={500}
              />
            </>
          ) : (
            <>
              <Input
                aria-label={t('guidelines.phrase')}
                placeholder={t('guidelines.phrase')}
                value={(row as { phrase: string }).phrase}
                onChange={(e) => update(key, i, { phrase: e.target.value })}
                disabled={!canEdit}
                maxLength={200}
              />
              {key === 'dontSay' ? (
                <Input
                  aria-label={t('guidelines.rewrite')}
                  placeholder={t('guidelines.rewrite')}
                  value={(row as GuidelinesContent['dontSay'][number]).rewrite ?? ''}
                  onChange={(e) => update('dontSay', i, { rewrite: e.target.value })}
                  disabled={!canEdit}
                  maxLength={500}
                />
              ) : (
                <Select<string>
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  aria-label={t('guidelines.technique')}
                  placeholder={t('guidelines.technique')}
                  value={(row as GuidelinesContent['doSay'][number]).technique || undefined}
                  onChange={(technique) => update('doSay', i, { technique: technique ?? '' })}
                  options={techniques}
                  disabled={!canEdit}
                  popupMatchSelectWidth={false}
                />
              )}
            </>
          )}
          {canEdit && <Button type="text" icon={<DeleteOutlined />} aria-label={t('guidelines.remove')} onClick={() => remove(key, i)} />}
        </div>
      ))}
      {canEdit && (
        <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add(key)} data-add={key}>
          {t('guidelines.add')}
        </Button>
      )}
    </Card>
  );

  return (
    <div className="settings">
      <header className="settings-head">
        <div>
          <Typography.Title level={4} className="settings-title">
            {t('guidelines.title')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {version === 0 ? t('settings.defaults') : t('settings.version', { version })} · {t('guidelines.applies')}
          </Typography.Text>
        </div>
        {canEdit && (
          <Button type="primary" loading={saving} disabled={Boolean(tried.error)} onClick={save} data-action="save-guidelines">
            {t('settings.save')}
          </Button>
        )}
      </header>
      <div className="settings-columns">
        <div className="settings-lists">
          {section('doSay')}
          {section('dontSay')}
          {section('glossary')}
        </div>
        <Card size="small" title={t('guidelines.try')} className="settings-card settings-try" data-try="">
          <label className="settings-label">
            {t('guidelines.tryCustomer')}
            <Input value={customer} onChange={(e) => setCustomer(e.target.value)} maxLength={2000} />
          </label>
          <label className="settings-label">
            {t('guidelines.tryDraft')}
            <Input.TextArea
              value={sample}
              onChange={(e) => setSample(e.target.value)}
              autoSize={{ minRows: 2, maxRows: 6 }}
              maxLength={4000}
            />
          </label>
          {tried.error && <Alert type="error" showIcon title={tried.error} />}
          {!tried.analyzer && !tried.error && <Spin size="small" />}
          {coached && (
            <ul className="settings-hints" aria-live="polite">
              {coached.hints.length === 0 && <li className="settings-hint-none">{t('guidelines.noHints')}</li>}
              {coached.hints.map((hint, i) => (
                <li key={`${hint.id}:${i}`} data-hint={hint.id}>
                  <Tag color={HINT_COLORS[hint.kind]}>{t(`guidelines.hint.${hint.kind}`)}</Tag>
                  <span>{hint.message}</span>
                  {hint.rewrite && <div className="settings-rewrite">→ {hint.rewrite}</div>}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
