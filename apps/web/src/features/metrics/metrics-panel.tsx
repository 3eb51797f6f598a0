import { DownloadOutlined, FileTextOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Segmented, Select, Space, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../../api/instance.js';
import type { Me, Team } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { lastDays } from '../analytics/api.js';
import { formatDuration, formatPercent } from '../analytics/options.js';
import {
  exportUrl,
  fetchMetrics,
  lastCompleteWeek,
  weeklyReportUrl,
  type GroupBy,
  type MetricRow,
  type Metrics,
  type MetricsQuery,
} from './api.js';

const GROUPS: readonly GroupBy[] = ['agent', 'team', 'day'];
const PRESETS = [7, 30, 90] as const;

/**
 * The metrics table: one row per agent, team or day with CSAT (surveys), FCR, first response and handle time (median
 * and p90), empathy, emotion turnaround and abusive contacts, the totals below; date range, grouping and team filters;
 * CSV and XLSX downloads; a weekly report link per team. The server scopes what each role sees.
 */
export function MetricsPanel({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const [query, setQuery] = useState<MetricsQuery>(() => ({ ...lastDays(30), groupBy: 'agent' }));
  const [week, setWeek] = useState(() => lastCompleteWeek());
  const [teams, setTeams] = useState<Team[]>([]);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const lang = language === 'en' ? 'en' : 'zh';
  const mayExport = me.role !== 'agent';

  useEffect(() => {
    api.listTeams().then(setTeams, () => setTeams([]));
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    fetchMetrics(query, controller.signal).then(
      (data) => {
        setMetrics(data);
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
  }, [query]);

  const nameOf = (row: MetricRow): string =>
    row.key === null ? t(query.groupBy === 'team' ? 'metrics.noTeam' : 'metrics.unassigned') : row.name;
  const columns: TableColumnsType<MetricRow> = [
    { key: 'name', title: t(`metrics.group.${query.groupBy}`), fixed: 'left', render: (_, row) => nameOf(row) },
    { key: 'conversations', title: t('metrics.conversations'), align: 'right', render: (_, r) => r.conversations },
    { key: 'resolved', title: t('metrics.resolved'), align: 'right', render: (_, r) => r.resolved },
    {
      key: 'csat',
      title: <Tooltip title={t('metrics.csatHint')}>{t('metrics.csat')}</Tooltip>,
      align: 'right',
      render: (_, r) => (r.csatAverage === null ? '—' : `${r.csatAverage.toFixed(2)} (${r.csatResponses})`),
    },
    {
      key: 'fcr',
      title: <Tooltip title={t('metrics.fcrHint')}>{t('metrics.fcr')}</Tooltip>,
      align: 'right',
      render: (_, r) => formatPercent(r.fcrRate),
    },
    {
      key: 'firstResponse',
      title: t('metrics.firstResponse'),
      align: 'right',
      render: (_, r) => `${formatDuration(r.firstResponseMedianSeconds, t)} / ${formatDuration(r.firstResponseP90Seconds, t)}`,
    },
    {
      key: 'handle',
      title: t('metrics.handle'),
      align: 'right',
      render: (_, r) => `${formatDuration(r.handleMedianSeconds, t)} / ${formatDuration(r.handleP90Seconds, t)}`,
    },
    {
      key: 'empathy',
      title: t('metrics.empathy'),
      align: 'right',
      render: (_, r) => (r.empathyAverage === null ? '—' : r.empathyAverage.toFixed(1)),
    },
    {
      key: 'turnaround',
      title: <Tooltip title={t('metrics.turnaroundHint')}>{t('metrics.turnaround')}</Tooltip>,
      align: 'right',
      render: (_, r) => formatPercent(r.turnaroundRate),
    },
    {
      key: 'abusive',
      title: <Tooltip title={t('metrics.abusiveHint')}>{t('metrics.abusive')}</Tooltip>,
      align: 'right',
      render: (_, r) => `${r.abusiveConversations} (${formatPercent(r.abusiveRate)})`,
    },
    ...(query.groupBy === 'team' && mayExport
      ? [
          {
            key: 'report',
            title: t('metrics.weeklyReport'),
            render: (_: unknown, r: MetricRow) =>
              r.key === null ? null : (
                <a href={weeklyReportUrl(r.key, week, lang)} target="_blank" rel="noreferrer" data-report-team={r.key}>
                  <FileTextOutlined /> {week}
                </a>
              ),
          },
        ]
      : []),
  ];

  return (
    <div className="metrics-panel">
      <Space wrap size={12} style={{ marginBottom: 12 }} role="group" aria-label={t('analytics.filters')}>
        <Segmented<GroupBy>
          aria-label={t('metrics.groupBy')}
          value={query.groupBy}
          onChange={(groupBy) => setQuery((q) => ({ ...q, groupBy }))}
          options={GROUPS.map((g) => ({ value: g, label: t(`metrics.by.${g}`) }))}
        />
        <Select
          aria-label={t('analytics.team')}
          style={{ width: 180 }}
          value={query.teamId ?? ''}
          onChange={(value: string) => setQuery((q) => ({ ...q, teamId: value || undefined }))}
          options={[{ value: '', label: t('inbox.allTeams') }, ...teams.map((team) => ({ value: team.id, label: team.name }))]}
        />
        <Segmented
          aria-label={t('analytics.period')}
          value={PRESETS.find((days) => lastDays(days).from === query.from && lastDays(days).to === query.to) ?? 0}
          onChange={(days) => {
            if (days) setQuery((q) => ({ ...q, ...lastDays(Number(days)) }));
          }}
          options={[
            ...PRESETS.map((days) => ({ value: days, label: t('analytics.lastDays', { days }) })),
            { value: 0, label: t('analytics.custom'), disabled: true },
          ]}
        />
        <Space size={4}>
          <Input
            type="date"
            aria-label={t('analytics.from')}
            value={query.from}
            max={query.to}
            style={{ width: 150 }}
            onChange={(e) => e.target.value && setQuery((q) => ({ ...q, from: e.target.value }))}
          />
          <span>–</span>
          <Input
            type="date"
            aria-label={t('analytics.to')}
            value={query.to}
            min={query.from}
            style={{ width: 150 }}
            onChange={(e) => e.target.value && setQuery((q) => ({ ...q, to: e.target.value }))}
          />
        </Space>
        {mayExport && (
          <>
            <Button icon={<DownloadOutlined />} href={exportUrl(query, 'csv', lang)} download data-export="csv">
              CSV
            </Button>
            <Button icon={<DownloadOutlined />} href={exportUrl(query, 'xlsx', lang)} download data-export="xlsx">
              XLSX
            </Button>
            <Input
              type="week"
              aria-label={t('metrics.week')}
              value={week}
              style={{ width: 170 }}
              onChange={(e) => e.target.value && setWeek(e.target.value)}
            />
          </>
        )}
      </Space>
      {error && <Alert type="error" showIcon title={t('app.error', { message: error })} style={{ marginBottom: 12 }} />}
      {metrics && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('metrics.note', { timeZone: metrics.period.timeZone })}
        </Typography.Paragraph>
      )}
      <Table<MetricRow>
        className="metrics-table"
        rowKey={(r) => r.key ?? '-'}
        size="small"
        loading={loading}
        columns={columns}
        dataSource={metrics?.rows ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        summary={() =>
          metrics ? (
            <Table.Summary fixed>
              <Table.Summary.Row className="metrics-totals">
                {columns.map((column, i) => (
                  <Table.Summary.Cell key={String(column.key)} index={i} align={column.align}>
                    {i === 0 ? <strong>{t('metrics.total')}</strong> : column.key === 'report' ? null : renderCell(column, metrics.totals)}
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            </Table.Summary>
          ) : null
        }
      />
    </div>
  );
}

/** A column's cell for a row outside the table body (the totals). */
function renderCell(column: TableColumnsType<MetricRow>[number], row: MetricRow) {
  return 'render' in column && column.render ? (column.render(undefined, row, 0) as ReactNode) : null;
}
