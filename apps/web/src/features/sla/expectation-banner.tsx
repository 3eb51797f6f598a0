import { App, Alert, Button, Space } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n.js';
import { dismissExpectation, sendExpectation, type Expectation } from './api.js';

/**
 * The expectation-setting message proposed while the customer waits on a teammate or another team ("we are checking
 * with billing; you will hear from us by 15:00"): send it in one click, move it into the reply box to edit (the proposal
 * is then dismissed: the agent's reply replaces it), or dismiss it.
 */
export function ExpectationBanner({
  expectation,
  onInsert,
  onChanged,
}: {
  expectation: Expectation | null;
  onInsert(text: string): void;
  onChanged(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  if (!expectation || expectation.status !== 'proposed') return null;
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await action();
      onChanged();
    } catch (e) {
      void message.error(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Alert
      type="info"
      showIcon
      className="expectation-banner"
      data-expectation={expectation.id}
      title={t(`sla.expectation.reason.${expectation.reason}`)}
      description={<span className="expectation-text">{expectation.body}</span>}
      action={
        <Space orientation="vertical" size={4}>
          <Button size="small" type="primary" loading={busy} onClick={() => void act(() => sendExpectation(expectation.id))}>
            {t('sla.expectation.send')}
          </Button>
          <Button
            size="small"
            disabled={busy}
            onClick={() => {
              onInsert(expectation.body);
              void act(() => dismissExpectation(expectation.id));
            }}
          >
            {t('sla.expectation.insert')}
          </Button>
          <Button size="small" type="text" disabled={busy} onClick={() => void act(() => dismissExpectation(expectation.id))}>
            {t('sla.expectation.dismiss')}
          </Button>
        </Space>
      }
    />
  );
}
