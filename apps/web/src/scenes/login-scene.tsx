import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client.js';
import { api } from '../api/instance.js';
import type { Me } from '../api/types.js';
import { LanguageSwitch } from '../components/language-switch.js';
import { useI18n } from '../i18n/i18n.js';

interface LoginForm {
  email: string;
  password: string;
}

/** Email + password sign-in; the server sets the session cookie and returns the CSRF token. */
export function LoginScene({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: LoginForm) => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.login(values.email, values.password));
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === 'rate_limited'
          ? t('login.rateLimited')
          : e instanceof ApiError && e.status === 401
            ? t('login.failed')
            : t('app.error', { message: e instanceof Error ? e.message : String(e) }),
      );
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <Card className="login-card">
        <div className="login-head">
          <div>
            <Typography.Title level={2} className="brand">
              {t('app.name')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
          </div>
          <LanguageSwitch />
        </div>
        <Form<LoginForm> layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
          <Form.Item label={t('login.email')} name="email" rules={[{ required: true, message: t('login.required') }]}>
            <Input type="email" autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error && <Alert type="error" title={error} showIcon className="login-error" />}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
