import { TableOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Row, Segmented, Spin, Statistic, Tooltip } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { api } from '../api/instance.js';
import type { Me, Team } from '../api/types.js';
import { Topbar } from '../components/topbar.js';
import { csvUrl, fetchOverview, lastDays, type AnalyticsFilters, type Overview } from '../features/analytics/api.js';
import { ChartCard } from '../features/analytics/chart-card.js';
import { FilterBar } from '../features/analytics/filter-bar.js';
import {
  driversOption,
  empathyOption,
  formatDuration,
  formatPercent,
  qualityOption,
  scatterOption,
  techniquesOption,
  timesOption,
  turnaroundOption,
  volumeOption,
} from '../features/analytics/options.js';
import { useI18n } from '../i18n/i18n.js';

type DriverKind = 'tags' | 'terms' | 'risks';
type SceneProps = { me: Me; path: string; navigate(path: string): void; onLogout(): void };

const MetricsPage = lazy(() => import('../features/metrics/metrics-page.js').then((m) => ({ default: m.MetricsPage })));

/** The analytics section: the dashboard, or the metrics table at `/analytics/metrics`. */
export function AnalyticsScene(props: SceneProps) {
  if (!props.path.startsWith('/analytics/metrics')) return <AnalyticsDashboard {...props} />;
  return (
    <Suspense fallback={<Spin size="large" className="page-spinner" />}>
      <MetricsPage {...props} />
    </Suspense>
  );
}

/**
 * Analytics for supervisors, QA and admins: KPI totals and ECharts dashboards (volume, CSAT as the engine's estimate,
 * FCR, first response and handle time, empathy, empathy vs satisfaction, techniques per agent, emotion turnaround,
 * anger drivers), all under one filter bar, each exportable as PNG and CSV.
 */
function AnalyticsDashboard({ me, path, navigate, onLogout }: SceneProps) {
  const { t, language } = useI18n();
  const [filters, setFilters] = useState<AnalyticsFilters>(() => ({ ...lastDays(14), bucket: 'day' }));
  const [teams, setTeams] = useState<Team[]>([]);
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [driverKind, setDriverKind] = useState<DriverKind>('tags');

  useEffect(() => {
    api.listTeams().then(setTeams, () => setTeams([]));
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    fetchOverview(filters, controller.signal).then(
      (data) => {
        setOverview(data);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e instanceof Error ? e.message : String(e));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [filters]);

  const options = useMemo(
    () =>
      overview && {
        volume: volumeOption(overview, t),
        quality: qualityOption(overview, t),
        times: timesOption(overview, t),
        empathy: empathyOption(overview, t),
        scatter: scatterOption(overview, t),
        techniques: techniquesOption(overview, t, language),
        turnaround: turnaroundOption(overview, t),
        drivers: driversOption(overview.angerDrivers[driverKind], t, language),
      },
    [overview, t, language, driverKind],
  );

  const totals = overview?.totals;
  const noSeries = !overview || overview.totals.conversations === 0;
  const csv = (chart: Parameters<typeof csvUrl>[1]) => csvUrl(filters, chart);
  const agents = overview?.techniques.agents.length ?? 0;

  return (
    <div className="workspace">
      <Topbar me={me} path={path} navigate={navigate} onLogout={onLogout} />
      <main
        className="analytics-main"
        style={{ padding: 16, overflowY: 'auto', flex: 1, minHeight: 0, background: '#f5f6f7' }}
        aria-busy={loading}
      >
        <div
          style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 12, flexWrap: 'wrap', marginBottom: 12 }}
        >
          <h1 style={{ fontSize: 18, margin: 0 }}>{t('analytics.title')}</h1>
          <Button icon={<TableOutlined />} onClick={() => navigate('/analytics/metrics')} data-open="metrics">
            {t('metrics.open')}
          </Button>
          <FilterBar filters={filters} teams={teams} onChange={setFilters} />
        </div>
        {error && <Alert type="error" showIcon message={t('app.error', { message: error })} style={{ marginBottom: 12 }} />}
        <Spin spinning={loading && overview !== null}>
          {!overview || !options ? (
            <Spin size="large" className="page-spinner" />
          ) : (
            <>
              <Row gutter={[12, 12]} className="analytics-kpis">
                {[
                  { key: 'conversations', value: String(totals?.conversations ?? 0) },
                  { key: 'csatEstimate', value: formatPercent(totals?.csat ?? null), hint: t('analytics.csatHint') },
                  { key: 'fcr', value: formatPercent(totals?.fcr ?? null), hint: t('analytics.fcrHint') },
                  { key: 'firstResponse', value: formatDuration(totals?.medianFirstResponseSeconds ?? null, t) },
                  { key: 'handleTime', value: formatDuration(totals?.medianHandleSeconds ?? null, t) },
                  { key: 'empathy', value: totals?.empathy === null || totals?.empathy === undefined ? '—' : totals.empathy.toFixed(1) },
                ].map((kpi) => (
                  <Col key={kpi.key} xs={12} md={8} xl={4}>
                    <Card size="small" data-kpi={kpi.key}>
                      <Tooltip title={kpi.hint}>
                        <Statistic title={t(`analytics.${kpi.key}`)} value={kpi.value} />
                      </Tooltip>
                    </Card>
                  </Col>
                ))}
              </Row>
              <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
                <Col xs={24} xl={12}>
                  <ChartCard
                    id="volume"
                    title={t('analytics.chart.volume')}
                    option={options.volume}
                    empty={noSeries}
                    csvHref={csv('series')}
                  />
                </Col>
                <Col xs={24} xl={12}>
                  <ChartCard
                    id="quality"
                    title={t('analytics.chart.quality')}
                    note={t('analytics.csatHint')}
                    option={options.quality}
                    empty={noSeries}
                    csvHref={csv('series')}
                    height={282}
                  />
                </Col>
                <Col xs={24} xl={12}>
                  <ChartCard
                    id="times"
                    title={t('analytics.chart.times')}
                    option={options.times}
                    empty={noSeries}
                    csvHref={csv('series')}
                  />
                </Col>
                <Col xs={24} xl={12}>
                  <ChartCard
                    id="empathy"
                    title={t('analytics.chart.empathy')}
                    option={options.empathy}
                    empty={noSeries}
                    csvHref={csv('series')}
                  />
                </Col>
                <Col xs={24} xl={12}>
                  <ChartCard
                    id="scatter"
                    title={t('analytics.chart.scatter')}
                    note={
                      overview.scatter.trend
                        ? t('analytics.trendNote', {
                            n: overview.scatter.n,
                            slope: overview.scatter.trend.slope.toFixed(4),
                            r: overview.scatter.trend.r === null ? '—' : overview.scatter.trend.r.toFixed(2),
                          })
                        : undefined
                    }
                    option={options.scatter}
                    empty={overview.scatter.points.length === 0}
                    csvHref={csv('scatter')}
                    height={overview.scatter.trend ? 282 : 300}
                  />
                </Col>
                <Col xs={24} xl={12}>
                  <ChartCard
                    id="turnaround"
                    title={t('analytics.chart.turnaround')}
                    note={t('analytics.turnaroundHint')}
                    option={options.turnaround}
                    empty={overview.turnaround.every((b) => b.count === 0)}
                    csvHref={csv('turnaround')}
                    height={282}
                  />
                </Col>
                <Col xs={24} xl={14}>
                  <ChartCard
                    id="techniques"
                    title={t('analytics.chart.techniques')}
                    option={options.techniques}
                    empty={agents === 0}
                    csvHref={csv('techniques')}
                    height={Math.max(300, 90 + agents * 28)}
                  />
                </Col>
                <Col xs={24} xl={10}>
                  <ChartCard
                    id="drivers"
                    title={t('analytics.chart.drivers')}
                    note={t('analytics.driversNote', { n: overview.angerDrivers.conversations })}
                    option={options.drivers}
                    empty={overview.angerDrivers[driverKind].length === 0}
                    csvHref={csv('drivers')}
                    height={Math.max(300, 90 + agents * 28) - 40}
                    extra={
                      <Segmented
                        size="small"
                        value={driverKind}
                        onChange={(kind) => setDriverKind(kind as DriverKind)}
                        options={(['tags', 'terms', 'risks'] as const).map((kind) => ({
                          value: kind,
                          label: t(`analytics.drivers.${kind}`),
                        }))}
                      />
                    }
                  />
                </Col>
              </Row>
            </>
          )}
        </Spin>
      </main>
    </div>
  );
}
