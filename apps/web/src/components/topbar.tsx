import { LogoutOutlined } from '@ant-design/icons';
import { Badge, Button, Space, Tooltip, Typography } from 'antd';
import type { Me, Role } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { LanguageSwitch } from './language-switch.js';
import { PresenceToggle } from '../features/routing/presence-toggle.js';

export type Section = 'workspace' | 'wall' | 'qa' | 'analytics' | 'settings';

/** Which sections a role may use (the server enforces the same rules; the menu just hides what would be refused). */
export const SECTIONS: readonly { id: Section; path: string; roles: readonly Role[] }[] = [
  { id: 'workspace', path: '/', roles: ['agent', 'supervisor', 'qa', 'admin'] },
  { id: 'wall', path: '/wall', roles: ['supervisor', 'admin'] },
  { id: 'qa', path: '/qa', roles: ['agent', 'supervisor', 'qa', 'admin'] },
  { id: 'analytics', path: '/analytics', roles: ['supervisor', 'qa', 'admin'] },
  { id: 'settings', path: '/settings', roles: ['supervisor', 'admin'] },
];

/** The section a path belongs to. */
export function sectionOf(path: string): Section {
  if (path === '/wall' || path.startsWith('/wall/')) return 'wall';
  if (path === '/qa' || path.startsWith('/qa/')) return 'qa';
  if (path === '/analytics' || path.startsWith('/analytics/')) return 'analytics';
  if (path === '/settings' || path.startsWith('/settings/')) return 'settings';
  return 'workspace';
}

export function maySee(role: Role, section: Section): boolean {
  return SECTIONS.some((s) => s.id === section && s.roles.includes(role));
}

/** The app's top bar: brand, the sections this role may use, live state, the user, language and sign-out. */
export function Topbar({
  me,
  path,
  navigate,
  onLogout,
  online,
}: {
  me: Me;
  path: string;
  navigate(path: string): void;
  onLogout(): void;
  online?: boolean;
}) {
  const { t } = useI18n();
  const current = sectionOf(path);
  return (
    <header className="topbar">
      <Space size={20}>
        <Typography.Text strong className="brand-small">
          {t('app.name')}
        </Typography.Text>
        <nav className="sections" aria-label={t('nav.label')}>
          {SECTIONS.filter((s) => s.roles.includes(me.role)).map((s) => (
            <a
              key={s.id}
              href={s.path}
              className={`section-link ${s.id === current ? 'section-link-current' : ''}`}
              aria-current={s.id === current ? 'page' : undefined}
              data-section={s.id}
              onClick={(e) => {
                if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                e.preventDefault();
                navigate(s.path);
              }}
            >
              {t(s.id === 'qa' && me.role === 'agent' ? 'nav.myEvaluations' : `nav.${s.id}`)}
            </a>
          ))}
        </nav>
      </Space>
      <Space size={12}>
        {online !== undefined && (
          <Tooltip title={online ? t('realtime.online') : t('realtime.offline')}>
            <Badge status={online ? 'success' : 'default'} text={online ? t('realtime.online') : ''} />
          </Tooltip>
        )}
        {me.kind === 'user' && (me.role === 'agent' || me.role === 'supervisor') && <PresenceToggle />}
        <span className="me">
          {me.name} · {t(`role.${me.role}`)}
        </span>
        <LanguageSwitch />
        <Button size="small" type="text" icon={<LogoutOutlined />} onClick={onLogout}>
          {t('app.logout')}
        </Button>
      </Space>
    </header>
  );
}
