import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Card } from 'antd';
import type { Me } from '../../api/types.js';
import { Topbar } from '../../components/topbar.js';
import { useI18n } from '../../i18n/i18n.js';
import { MetricsPanel } from './metrics-panel.js';

/** The metrics page (`/analytics/metrics`): the grouped metrics table with its exports and weekly reports. */
export function MetricsPage({ me, path, navigate, onLogout }: { me: Me; path: string; navigate(path: string): void; onLogout(): void }) {
  const { t } = useI18n();
  return (
    <div className="workspace">
      <Topbar me={me} path={path} navigate={navigate} onLogout={onLogout} />
      <main className="analytics-main" style={{ padding: 16, overflowY: 'auto', flex: 1, minHeight: 0, background: '#f5f6f7' }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12 }}>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/analytics')}>
            {t('metrics.dashboard')}
          </Button>
          <h1 style={{ fontSize: 18, margin: 0 }}>{t('metrics.title')}</h1>
        </div>
        <Card size="small">
          <MetricsPanel me={me} />
        </Card>
      </main>
    </div>
  );
}
