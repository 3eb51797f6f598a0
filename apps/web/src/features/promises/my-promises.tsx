import { FieldTimeOutlined } from '@ant-design/icons';
import { Badge, Button, Drawer, Segmented } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n.js';
import { useNow } from '../sla/sla-badge.js';
import { listMyPromises, type TrackedPromise } from './api.js';
import { PromiseList } from './promise-list.js';

/**
 * "My promises": a button with the number of promises still to keep (red when one is late) that opens the agent's list
 * with due times; reloaded with `version` (realtime events) and when opened.
 */
export function MyPromisesButton({ version, onOpen }: { version: number; onOpen(conversationId: string): void }) {
  const { t } = useI18n();
  const now = useNow();
  const [open, setOpen] = useState(false);
  const [scope, setScope] = useState<'active' | 'all'>('active');
  const [items, setItems] = useState<TrackedPromise[]>([]);
  const [active, setActive] = useState<TrackedPromise[]>([]);
  const load = useCallback(() => {
    listMyPromises('active').then(setActive, () => undefined);
    if (open) listMyPromises(scope).then(setItems, () => undefined);
  }, [open, scope]);
  useEffect(load, [load, version]);
  const late = active.some((p) => p.status === 'overdue' || Date.parse(p.dueAt) <= now);
  return (
    <>
      <Badge count={active.length} size="small" color={late ? 'red' : 'blue'} offset={[-4, 4]}>
        <Button size="small" icon={<FieldTimeOutlined />} onClick={() => setOpen(true)} data-action="my-promises">
          {t('promises.mine')}
        </Button>
      </Badge>
      <Drawer open={open} onClose={() => setOpen(false)} title={t('promises.mine')} size={420} destroyOnHidden>
        <Segmented<'active' | 'all'>
          size="small"
          style={{ marginBottom: 8 }}
          value={scope}
          onChange={setScope}
          options={[
            { value: 'active', label: t('promises.scope.active') },
            { value: 'all', label: t('promises.scope.all') },
          ]}
        />
        <PromiseList
          items={items}
          now={now}
          showContext
          onOpen={(id) => {
            setOpen(false);
            onOpen(id);
          }}
          onChanged={load}
        />
      </Drawer>
    </>
  );
}
