import { Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n.js';
import { useNow } from '../sla/sla-badge.js';
import type { TrackedPromise } from './api.js';
import { PromiseList } from './promise-list.js';

/** The customer 360's promises still to keep, with due times, across the conversations the agent may see. */
export function CustomerPromises({ items, onOpen }: { items: readonly TrackedPromise[]; onOpen(conversationId: string): void }) {
  const { t } = useI18n();
  const now = useNow();
  const [kept, setKept] = useState<ReadonlySet<string>>(new Set());
  const open = items.filter((p) => !kept.has(p.id));
  if (open.length === 0) return null;
  return (
    <div className="panel-block" data-section="tracked-promises">
      <Typography.Text strong>{t('customer.openPromises')}</Typography.Text>
      <PromiseList items={open} now={now} showContext="subject" onOpen={onOpen} onChanged={(p) => setKept((s) => new Set([...s, p.id]))} />
    </div>
  );
}
