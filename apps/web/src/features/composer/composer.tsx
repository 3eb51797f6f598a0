import { Alert, Button, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '../../api/instance.js';
import type { CannedReply } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { buildSegments, type Mark } from '../conversation/segments.js';
import type { LoadedEngine } from './engine.js';
import { insertCanned, slashQueryAt, unfilledVariables, type SlashQuery } from './canned.js';
import { applyRewrite } from './rewrite.js';
import { useCoach, type CoachContext } from './use-coach.js';
import { recordCannedUse } from '../settings/canned-api.js';

const HINT_COLORS = { avoid: 'red', do: 'blue', alert: 'orange', praise: 'green' } as const;

export interface ComposerProps {
  /** The conversation the canned replies are filled for. */
  conversationId: string;
  engine: LoadedEngine | undefined;
  context: CoachContext;
  disabled?: boolean;
  /** Text to add to the draft (e.g. an expectation-setting message); a new object adds it again. */
  insertion?: { text: string } | undefined;
  onSend(body: string, type: 'outgoing' | 'note'): Promise<boolean>;
}

/**
 * The reply box with live coaching: harmful wording is underlined in the draft (a backdrop behind the textarea),
 * hints list what to avoid (with a one-click rewrite), what is missing and what went well. Ctrl+Enter sends.
 */
export function Composer({ conversationId, engine, context, disabled, insertion, onSend }: ComposerProps) {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const [mode, setMode] = useState<'outgoing' | 'note'>('outgoing');
  const [sending, setSending] = useState(false);
  const backdrop = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const [slash, setSlash] = useState<SlashQuery | null>(null);
  const [canned, setCanned] = useState<CannedReply[]>([]);
  const [active, setActive] = useState(0);
  const [cannedError, setCannedError] = useState<string | null>(null);
  const unfilled = useMemo(() => (mode === 'outgoing' ? unfilledVariables(draft) : []), [draft, mode]);
  useEffect(() => {
    if (!insertion) return;
    setMode('outgoing');
    setDraft((d) => (d.trim() ? `${d.trimEnd()}\n${insertion.text}` : insertion.text));
    requestAnimationFrame(() => input.current?.focus());
  }, [insertion]);

  // `/` opens the canned replies; what follows it searches them (debounced).
  const slashText = slash?.query;
  useEffect(() => {
    if (slashText === undefined) return;
    let live = true;
    const timer = setTimeout(() => {
      api.searchCannedReplies(slashText).then(
        (items) => {
          if (!live) return;
          setCanned(items);
          setActive(0);
          setCannedError(null);
        },
        (e: unknown) => live && setCannedError(e instanceof Error ? e.message : String(e)),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [slashText]);

  // Canned replies inserted into the current draft: counted in their usage statistics once the reply is sent.
  const usedCanned = useRef(new Set<string>());

  const edit = (value: string, caret: number) => {
    if (value.trim() === '') usedCanned.current.clear();
    setDraft(value);
    setSlash(slashQueryAt(value, caret));
  };

  const pick = async (reply: CannedReply) => {
    const at = slash;
    setSlash(null);
    if (!at) return;
    try {
      const rendered = await api.renderCannedReply(reply.id, conversationId);
      const next = insertCanned(draft, at, rendered.body);
      usedCanned.current.add(reply.id);
      setDraft(next.draft);
      requestAnimationFrame(() => {
        input.current?.focus();
        input.current?.setSelectionRange(next.caret, next.caret);
      });
    } catch (e) {
      setCannedError(e instanceof Error ? e.message : String(e));
    }
  };
  const coaching = useCoach(mode === 'outgoing' ? engine : undefined, draft, context);
  const hints = coaching.result?.hints ?? [];

  const marks = useMemo<Mark[]>(
    () =>
      hints.flatMap((h) =>
        h.kind === 'avoid' && h.span && h.target !== 'customer'
          ? [{ id: h.id, start: h.span.start, end: h.span.end, tone: 'harmful' }]
          : [],
      ),
    [hints],
  );

  const send = async () => {
    const body = draft.trim();
    if (!body || sending || disabled || unfilled.length > 0) return;
    setSending(true);
    const ok = await onSend(body, mode);
    setSending(false);
    if (!ok) return;
    setDraft('');
    if (mode === 'outgoing') for (const id of usedCanned.current) recordCannedUse(id, conversationId).catch(() => undefined);
    usedCanned.current.clear();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (slash && canned.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : canned.length - 1)) % canned.length);
        return;
      }
      if ((event.key === 'Enter' && !event.ctrlKey && !event.metaKey) || event.key === 'Tab') {
        event.preventDefault();
        const reply = canned[active];
        if (reply) void pick(reply);
        return;
      }
    }
    if (slash && event.key === 'Escape') {
      event.preventDefault();
      setSlash(null);
      return;
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <section className={`composer ${mode === 'note' ? 'composer-note' : ''}`} aria-label={t('composer.reply')}>
      <div className="composer-bar">
        <Segmented<'outgoing' | 'note'>
          size="small"
          value={mode}
          onChange={setMode}
          options={[
            { label: t('composer.reply'), value: 'outgoing' },
            { label: t('composer.note'), value: 'note' },
          ]}
        />
      </div>
      <div className="draft">
        <div className="draft-backdrop" ref={backdrop} aria-hidden="true">
          {buildSegments(draft, marks).map((s) =>
            s.marks.length > 0 ? (
              <mark key={s.start} className="draft-harmful">
                {s.text}
              </mark>
            ) : (
              <span key={s.start}>{s.text}</span>
            ),
          )}
          {'\n'}
        </div>
        <textarea
          ref={input}
          className="draft-input"
          value={draft}
          disabled={disabled}
          aria-autocomplete="list"
          aria-controls={slash ? 'canned-menu' : undefined}
          aria-activedescendant={slash && canned[active] ? `canned-option-${canned[active].id}` : undefined}
          placeholder={mode === 'note' ? t('composer.notePlaceholder') : t('composer.placeholder')}
          aria-label={mode === 'note' ? t('composer.note') : t('composer.reply')}
          onChange={(e) => edit(e.target.value, e.target.selectionStart)}
          onBlur={() => setTimeout(() => setSlash(null), 150)}
          onKeyDown={onKeyDown}
          onScroll={(e) => {
            if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      {slash && (
        <div className="canned-menu" id="canned-menu" role="listbox" aria-label={t('canned.title')}>
          <div className="canned-head">
            <Typography.Text strong>{t('canned.title')}</Typography.Text>
            <Typography.Text type="secondary">{t('canned.keys')}</Typography.Text>
          </div>
          {cannedError ? (
            <Typography.Text type="danger">{t('app.error', { message: cannedError })}</Typography.Text>
          ) : canned.length === 0 ? (
            <Typography.Text type="secondary">{t('canned.empty')}</Typography.Text>
          ) : (
            canned.map((reply, i) => (
              <div
                key={reply.id}
                id={`canned-option-${reply.id}`}
                role="option"
                aria-selected={i === active}
                className={`canned-item ${i === active ? 'canned-item-active' : ''}`}
                data-short-code={reply.shortCode}
                onMouseDown={(e) => {
                  e.preventDefault();
                  void pick(reply);
                }}
                onMouseEnter={() => setActive(i)}
              >
                <span className="canned-code">/{reply.shortCode}</span>
                <span className="canned-title">{reply.title}</span>
                <span className="canned-body">{reply.body}</span>
              </div>
            ))
          )}
        </div>
      )}
      {unfilled.length > 0 && (
        <Alert
          className="unfilled"
          type="warning"
          showIcon
          title={t('canned.unfilled', { names: unfilled.map((name) => `{{${name}}}`).join(t('list.separator')) })}
        />
      )}
      {mode === 'outgoing' && (
        <div className="coach" aria-live="polite" data-coach-ms={coaching.ms === null ? undefined : coaching.ms.toFixed(2)}>
          <Typography.Text strong className="coach-title">
            {t('composer.coaching')}
          </Typography.Text>
          {!engine ? (
            <Typography.Text type="secondary">{t('composer.coachLoading')}</Typography.Text>
          ) : draft.trim() === '' ? (
            <Typography.Text type="secondary">{t('composer.coachIdle')}</Typography.Text>
          ) : hints.length === 0 ? (
            <Typography.Text type="secondary">{t('composer.coachGood')}</Typography.Text>
          ) : (
            <ul className="hints">
              {hints.map((hint) => (
                <li key={`${hint.kind}:${hint.id}`} className={`hint hint-${hint.kind}`} data-hint={hint.id}>
                  <Tag color={HINT_COLORS[hint.kind]}>{t(`hint.${hint.kind}`)}</Tag>
                  <span className="hint-message">{hint.message}</span>
                  {hint.rewrite !== undefined && (
                    <Tooltip title={hint.rewrite}>
                      <Button size="small" type="link" onClick={() => setDraft((d) => applyRewrite(d, hint))}>
                        {t('composer.rewrite')}
                      </Button>
                    </Tooltip>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <Space className="composer-actions">
        <Typography.Text type="secondary" className="shortcut">
          Ctrl+Enter
        </Typography.Text>
        <Button
          type="primary"
          onClick={() => void send()}
          loading={sending}
          disabled={disabled || draft.trim() === '' || unfilled.length > 0}
        >
          {mode === 'note' ? t('composer.saveNote') : t('composer.send')}
        </Button>
      </Space>
    </section>
  );
}
