import { Spin, Tabs } from 'antd';
import { Suspense } from 'react';
import type { Me } from '../api/types.js';
import { Topbar } from '../components/topbar.js';
import { SETTINGS_TABS } from '../features/settings/tabs.js';
import { useI18n } from '../i18n/i18n.js';

const tabOf = (path: string): string | undefined => /^\/settings\/([\w-]+)/.exec(path)?.[1];

/** Operations settings for supervisors and admins: one tab per feature (routing, automation, SLAs, canned replies …). */
export function SettingsScene({ me, path, navigate, onLogout }: { me: Me; path: string; navigate(path: string): void; onLogout(): void }) {
  const { t } = useI18n();
  const tabs = SETTINGS_TABS.filter((tab) => tab.roles.includes(me.role));
  const active = tabs.find((tab) => tab.id === tabOf(path)) ?? tabs[0];
  return (
    <div className="workspace">
      <Topbar me={me} path={path} navigate={navigate} onLogout={onLogout} />
      <main className="settings-main" aria-label={t('nav.settings')}>
        <h1 className="settings-title">{t('settings.title')}</h1>
        <Tabs
          activeKey={active?.id}
          onChange={(id) => navigate(`/settings/${id}`)}
          items={tabs.map((tab) => ({
            key: tab.id,
            label: t(tab.titleKey),
            children: (
              <Suspense fallback={<Spin />}>
                <tab.view me={me} />
              </Suspense>
            ),
          }))}
        />
      </main>
    </div>
  );
}
