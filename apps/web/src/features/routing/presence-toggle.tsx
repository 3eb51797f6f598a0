import { Select, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n.js';
import { getMyRouting, setMyPresence, type MyRouting, type Presence } from './api.js';

const COLOR: Record<Presence, string> = { online: 'green', away: 'gold', offline: 'default' };

/** The signed-in agent's routing presence (online: new conversations are routed to them), with their open load. */
export function PresenceToggle() {
  const { t } = useI18n();
  const [mine, setMine] = useState<MyRouting | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    getMyRouting().then(
      (value) => live && setMine(value),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  if (!mine) return null;
  return (
    <Select<Presence>
      size="small"
      variant="borderless"
      className="presence-toggle"
      aria-label={t('routing.presence.label')}
      title={t('routing.presence.load', { load: mine.load, capacity: mine.capacity })}
      value={mine.presence}
      loading={busy}
      popupMatchSelectWidth={false}
      onChange={(presence) => {
        setBusy(true);
        setMyPresence(presence)
          .then(setMine, () => undefined)
          .finally(() => setBusy(false));
      }}
      options={(['online', 'away', 'offline'] as const).map((p) => ({
        value: p,
        label: <Tag color={COLOR[p]}>{t(`routing.presence.${p}`)}</Tag>,
      }))}
    />
  );
}
