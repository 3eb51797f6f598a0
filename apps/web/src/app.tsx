import { App as AntApp, ConfigProvider, Result, Spin, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ApiError } from './api/client.js';
import { api } from './api/instance.js';
import type { Me } from './api/types.js';
import { maySee, sectionOf } from './components/topbar.js';
import { usePath } from './components/use-path.js';
import { useI18n } from './i18n/i18n.js';
import { LoginScene } from './scenes/login-scene.js';

const WallScene = lazy(() => import('./scenes/wall-scene.js').then((m) => ({ default: m.WallScene })));
const QaScene = lazy(() => import('./scenes/qa-scene.js').then((m) => ({ default: m.QaScene })));
const AnalyticsScene = lazy(() => import('./scenes/analytics-scene.js').then((m) => ({ default: m.AnalyticsScene })));
const SettingsScene = lazy(() => import('./scenes/settings-scene.js').then((m) => ({ default: m.SettingsScene })));
const WorkspaceScene = lazy(() => import('./scenes/workspace-scene.js').then((m) => ({ default: m.WorkspaceScene })));

/**
 * Brand colour, and text colours that reach WCAG AA contrast (4.5:1) where Ant Design's defaults do not: secondary
 * text, placeholders, warning text and links.
 */
const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#0e7c66',
    borderRadius: 6,
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    colorWarningText: '#874d00',
    colorLink: '#0e7c66',
  },
};

/** Where each role starts when it signs in at the root: agents and admins the workspace, supervisors the wall, QA the reviews. */
const HOME: Record<Me['role'], string> = { agent: '/', admin: '/', supervisor: '/wall', qa: '/qa' };

type Session = { state: 'loading' } | { state: 'signed-out' } | { state: 'signed-in'; me: Me } | { state: 'failed'; message: string };

/** Signs the user in (or finds the existing session) and shows the workspace. */
export function App() {
  const { language, t } = useI18n();
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [path, navigate] = usePath();

  const check = useCallback(() => {
    setSession({ state: 'loading' });
    api.me().then(
      (me) => setSession({ state: 'signed-in', me }),
      (error: unknown) =>
        setSession(
          error instanceof ApiError && error.status === 401
            ? { state: 'signed-out' }
            : { state: 'failed', message: error instanceof Error ? error.message : String(error) },
        ),
    );
  }, []);
  useEffect(check, [check]);

  const logout = useCallback(() => {
    api.logout().finally(() => setSession({ state: 'signed-out' }));
  }, []);

  let body;
  if (session.state === 'loading') body = <Spin size="large" className="page-spinner" />;
  else if (session.state === 'failed')
    body = <Result status="error" title={t('app.error', { message: session.message })} extra={<a onClick={check}>{t('app.retry')}</a>} />;
  else if (session.state === 'signed-out')
    body = (
      <LoginScene
        onSignedIn={(me) => {
          if (location.pathname === '/') navigate(HOME[me.role]);
          setSession({ state: 'signed-in', me });
        }}
      />
    );
  else {
    const section = sectionOf(path);
    const props = { me: session.me, path, navigate, onLogout: logout };
    body = (
      <Suspense fallback={<Spin size="large" className="page-spinner" />}>
        {!maySee(session.me.role, section) ? (
          <Result status="403" title={t('nav.forbidden')} extra={<a onClick={() => navigate('/')}>{t('nav.workspace')}</a>} />
        ) : section === 'wall' ? (
          <WallScene {...props} />
        ) : section === 'qa' ? (
          <QaScene {...props} />
        ) : section === 'analytics' ? (
          <AnalyticsScene {...props} />
        ) : section === 'settings' ? (
          <SettingsScene {...props} />
        ) : (
          <WorkspaceScene {...props} />
        )}
      </Suspense>
    );
  }

  return (
    <ConfigProvider locale={language === 'en' ? enUS : zhCN} theme={THEME}>
      <AntApp>{body}</AntApp>
    </ConfigProvider>
  );
}
