import { Input, Segmented, Select, Space } from 'antd';
import type { Team } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { lastDays, type AnalyticsFilters, type Bucket, type Channel } from './api.js';

const CHANNELS: readonly Channel[] = ['web', 'email', 'api', 'import'];
const PRESETS = [7, 14, 30, 90, 365] as const;

/** The filters every chart shares: team, channel, period (presets or two dates) and time bucket. */
export function FilterBar({
  filters,
  teams,
  onChange,
}: {
  filters: AnalyticsFilters;
  teams: readonly Team[];
  onChange(next: AnalyticsFilters): void;
}) {
  const { t } = useI18n();
  const preset = PRESETS.find((days) => {
    const range = lastDays(days);
    return range.from === filters.from && range.to === filters.to;
  });
  return (
    <Space wrap size={12} className="analytics-filters" role="group" aria-label={t('analytics.filters')}>
      <Select
        aria-label={t('analytics.team')}
        style={{ width: 180 }}
        value={filters.teamId ?? ''}
        onChange={(value: string) => onChange({ ...filters, teamId: value || undefined })}
        options={[{ value: '', label: t('inbox.allTeams') }, ...teams.map((team) => ({ value: team.id, label: team.name }))]}
      />
      <Select
        aria-label={t('analytics.channel')}
        style={{ width: 150 }}
        value={filters.channel ?? ''}
        onChange={(value: string) => onChange({ ...filters, channel: (value || undefined) as Channel | undefined })}
        options={[
          { value: '', label: t('analytics.allChannels') },
          ...CHANNELS.map((c) => ({ value: c, label: t(`analytics.channel.${c}`) })),
        ]}
      />
      <Segmented
        aria-label={t('analytics.period')}
        value={preset ?? 0}
        onChange={(days) => {
          if (days) onChange({ ...filters, ...lastDays(Number(days)) });
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
          value={filters.from}
          max={filters.to}
          style={{ width: 150 }}
          onChange={(e) => e.target.value && onChange({ ...filters, from: e.target.value })}
        />
        <span>–</span>
        <Input
          type="date"
          aria-label={t('analytics.to')}
          value={filters.to}
          min={filters.from}
          style={{ width: 150 }}
          onChange={(e) => e.target.value && onChange({ ...filters, to: e.target.value })}
        />
      </Space>
      <Segmented
        aria-label={t('analytics.bucket')}
        value={filters.bucket}
        onChange={(bucket) => onChange({ ...filters, bucket: bucket as Bucket })}
        options={[
          { value: 'day', label: t('analytics.byDay') },
          { value: 'week', label: t('analytics.byWeek') },
        ]}
      />
    </Space>
  );
}
