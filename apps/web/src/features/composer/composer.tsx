import { Button, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../../i18n/i18n.js';
import { buildSegments, type Mark } from '../conversation/segments.js';
import type { LoadedEngine } from './engine.js';
import { applyRewrite } from './rewrite.js';
import { useCoach, type CoachContext } from './use-coach.js';

const HINT_COLORS = { avoid: 'red', do: 'blue', alert: 'orange', praise: 'green' } as const;

export interface ComposerProps {
  engine: LoadedEngine | undefined;
  context: CoachContext;
  disabled?: boolean;
  onSend(body: string, type: 'outgoing' | 'note'): Promise<boolean>;
}

/**
 * The reply box with live coaching: harmful wording is underlined in the draft (a backdrop behind the textarea),
 * hints list what to avoid (with a one-click rewrite), what is missing and what went well. Ctrl+Enter sends.
 */
export function Composer({ engine, context, disabled, onSend }: ComposerProps) {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const [mode, setMode] = useState<'outgoing' | 'note'>('outgoing');
  const [sending, setSending] = useState(false);
  const backdrop = useRef<HTMLDivElement>(null);
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
    if (!body || sending || disabled) return;
    setSending(true);
    const ok = await onSend(body, mode);
    setSending(false);
    if (ok) setDraft('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
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
          className="draft-input"
          value={draft}
          disabled={disabled}
          placeholder={mode === 'note' ? t('composer.notePlaceholder') : t('composer.placeholder')}
          aria-label={mode === 'note' ? t('composer.note') : t('composer.reply')}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          onScroll={(e) => {
            if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
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
        <Button type="primary" onClick={() => void send()} loading={sending} disabled={disabled || draft.trim() === ''}>
          {mode === 'note' ? t('composer.saveNote') : t('composer.send')}
        </Button>
      </Space>
    </section>
  );
}
