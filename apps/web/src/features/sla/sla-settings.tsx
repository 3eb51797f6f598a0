import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, AutoComplete, Button, Card, Input, InputNumber, Select, Space, Spin, Switch, Table, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { listInboxes, type InboxSummary } from '../../api/settings.js';
import type { Priority } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import {
  createPolicy,
  deleteCalendar,
  deletePolicy,
  getSlaConfig,
  saveCalendar,
  saveSlaSettings,
  updatePolicy,
  type SlaCalendar,
  type SlaConfig,
  type SlaPolicy,
  type SlaSettings as Settings,
} from './api.js';
import { fromDayRows, parseDateList, toDayRows, type DayHours } from './format.js';

const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
const ALL = '*';
const TIME = /^([01]\d|2[0-4]):[0-5]\d$/;
const FIELD = { display: 'inline-flex', alignItems: 'center', gap: 8 } as const;
const BLOCK = { display: 'flex', flexDirection: 'column', gap: 4, flex: '1 1 260px', maxWidth: 360 } as const;

/** Time zones Intl knows (for the picker); a short list when the browser cannot enumerate them. */
function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return (
    intl.supportedValuesOf?.('timeZone') ?? ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'UTC', 'Europe/London']
  );
}

interface Draft {
  timeZone: string;
  days: DayHours[];
  holidays: string;
  workdays: string;
  autoExpectation: boolean;
}

const toDraft = (calendar: SlaCalendar): Draft => ({
  timeZone: calendar.timeZone,
  days: toDayRows(calendar.hours),
  holidays: calendar.holidays.join('\n'),
  workdays: calendar.workdays.join('\n'),
  autoExpectation: calendar.autoExpectation,
});

function useRun() {
  const { message } = App.useApp();
  const { t } = useI18n();
  return useCallback(
    async (action: () => Promise<unknown>, done?: string): Promise<boolean> => {
      try {
        await action();
        if (done) void message.success(done);
        return true;
      } catch (e) {
        void message.error(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
        return false;
      }
    },
    [message, t],
  );
}

/** Ticker interval and promise reminders. */
function GeneralSettings({ initial, onSaved }: { initial: Settings; onSaved(): void }) {
  const { t } = useI18n();
  const run = useRun();
  const [draft, setDraft] = useState(initial);
  useEffect(() => setDraft(initial), [initial]);
  const field = (key: keyof Settings, min: number, max: number) => (
    <label className="sla-field" style={FIELD}>
      <Typography.Text>{t(`sla.settings.${key}`)}</Typography.Text>
      <InputNumber<number>
        size="small"
        min={min}
        max={max}
        aria-label={t(`sla.settings.${key}`)}
        value={draft[key]}
        onChange={(value) => setDraft((d) => ({ ...d, [key]: value ?? min }))}
      />
    </label>
  );
  return (
    <Card size="small" title={t('sla.settings.title')}>
      <Space wrap size={16}>
        {field('tickSeconds', 5, 3600)}
        {field('promiseReminderMinutes', 0, 10080)}
        {field('promiseDefaultHours', 1, 720)}
        <Button
          type="primary"
          size="small"
          onClick={() => void run(() => saveSlaSettings(draft), t('sla.saved')).then((ok) => ok && onSaved())}
        >
          {t('settings.save')}
        </Button>
      </Space>
    </Card>
  );
}

/** Business hours, holidays and auto-sending of one calendar (the default one or an inbox's own). */
function CalendarEditor({ config, inboxes, onSaved }: { config: SlaConfig; inboxes: InboxSummary[]; onSaved(): void }) {
  const { t } = useI18n();
  const run = useRun();
  const [scope, setScope] = useState<string>(ALL);
  const calendar = useMemo(() => {
    const fallback = config.calendars.find((c) => c.inboxId === null);
    return (scope === ALL ? fallback : config.calendars.find((c) => c.inboxId === scope)) ?? fallback;
  }, [config, scope]);
  const [draft, setDraft] = useState<Draft | null>(calendar ? toDraft(calendar) : null);
  useEffect(() => setDraft(calendar ? toDraft(calendar) : null), [calendar]);
  const zones = useMemo(() => timeZones().map((value) => ({ value })), []);
  if (!draft) return null;
  const holidays = parseDateList(draft.holidays);
  const workdays = parseDateList(draft.workdays);
  const badHours = draft.days.filter((d) => d.open && (!TIME.test(d.start) || !TIME.test(d.end) || d.end <= d.start));
  const invalid = [...holidays.invalid, ...workdays.invalid];
  const own = scope !== ALL && config.calendars.some((c) => c.inboxId === scope);
  const setDay = (day: number, patch: Partial<DayHours>) =>
    setDraft((d) => (d ? { ...d, days: d.days.map((row) => (row.day === day ? { ...row, ...patch } : row)) } : d));
  const save = () =>
    run(
      () =>
        saveCalendar(scope === ALL ? null : scope, {
          timeZone: draft.timeZone.trim(),
          hours: fromDayRows(draft.days),
          holidays: holidays.dates,
          workdays: workdays.dates,
          autoExpectation: draft.autoExpectation,
        }),
      t('sla.saved'),
    ).then((ok) => ok && onSaved());
  return (
    <Card
      size="small"
      title={t('sla.calendar.title')}
      extra={
        <Select<string>
          size="small"
          aria-label={t('sla.calendar.scope')}
          value={scope}
          onChange={setScope}
          popupMatchSelectWidth={false}
          options={[
            { value: ALL, label: t('sla.calendar.default') },
            ...inboxes.map((inbox) => ({
              value: inbox.id,
              label: `${inbox.name}${config.calendars.some((c) => c.inboxId === inbox.id) ? '' : ` (${t('sla.calendar.followsDefault')})`}`,
            })),
          ]}
        />
      }
    >
      <Space orientation="vertical" size={12} className="sla-calendar" style={{ width: '100%' }}>
        <label className="sla-field" style={FIELD}>
          <Typography.Text>{t('sla.calendar.timeZone')}</Typography.Text>
          <AutoComplete
            size="small"
            aria-label={t('sla.calendar.timeZone')}
            value={draft.timeZone}
            options={zones}
            onChange={(timeZone: string) => setDraft({ ...draft, timeZone })}
            filterOption={(input, option) => (option?.value ?? '').toLowerCase().includes(input.toLowerCase())}
            style={{ width: 240 }}
          />
        </label>
        <Typography.Text type="secondary">{t('sla.calendar.hoursHelp')}</Typography.Text>
        <div className="sla-week" style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
          {draft.days.map((row) => (
            <div key={row.day} className="sla-day" data-day={row.day} style={FIELD}>
              <Switch size="small" checked={row.open} onChange={(open) => setDay(row.day, { open })} aria-label={t(`sla.day.${row.day}`)} />
              <span className="sla-day-name" style={{ width: 40 }}>
                {t(`sla.day.${row.day}`)}
              </span>
              <Input
                size="small"
                value={row.start}
                disabled={!row.open}
                aria-label={`${t(`sla.day.${row.day}`)} ${t('sla.calendar.opens')}`}
                onChange={(e) => setDay(row.day, { start: e.target.value })}
                style={{ width: 70 }}
              />
              –
              <Input
                size="small"
                value={row.end}
                disabled={!row.open}
                aria-label={`${t(`sla.day.${row.day}`)} ${t('sla.calendar.closes')}`}
                onChange={(e) => setDay(row.day, { end: e.target.value })}
                style={{ width: 70 }}
              />
            </div>
          ))}
        </div>
        <div className="sla-dates" style={{ display: 'flex', flexWrap: 'wrap', gap: 16 }}>
          <label className="sla-field-block" style={BLOCK}>
            <Typography.Text>{t('sla.calendar.holidays', { count: holidays.dates.length })}</Typography.Text>
            <Input.TextArea
              rows={6}
              aria-label={t('sla.calendar.holidays', { count: holidays.dates.length })}
              value={draft.holidays}
              onChange={(e) => setDraft({ ...draft, holidays: e.target.value })}
            />
          </label>
          <label className="sla-field-block" style={BLOCK}>
            <Typography.Text>{t('sla.calendar.workdays', { count: workdays.dates.length })}</Typography.Text>
            <Input.TextArea
              rows={6}
              aria-label={t('sla.calendar.workdays', { count: workdays.dates.length })}
              value={draft.workdays}
              onChange={(e) => setDraft({ ...draft, workdays: e.target.value })}
            />
          </label>
        </div>
        <Button
          size="small"
          onClick={() =>
            setDraft({
              ...draft,
              holidays: [...new Set([...holidays.dates, ...config.holidayData.holidays])].sort().join('\n'),
              workdays: [...new Set([...workdays.dates, ...config.holidayData.workdays])].sort().join('\n'),
            })
          }
        >
          {t('sla.calendar.loadChina', { years: config.holidayData.years.join(', ') })}
        </Button>
        <label className="sla-field" style={FIELD}>
          <Switch
            size="small"
            checked={draft.autoExpectation}
            onChange={(autoExpectation) => setDraft({ ...draft, autoExpectation })}
            aria-label={t('sla.calendar.autoExpectation')}
          />
          <Typography.Text>{t('sla.calendar.autoExpectation')}</Typography.Text>
        </label>
        {(badHours.length > 0 || invalid.length > 0) && (
          <Alert
            type="warning"
            showIcon
            title={t('sla.calendar.problems', {
              list: [...badHours.map((d) => t(`sla.day.${d.day}`)), ...invalid].join(', '),
            })}
          />
        )}
        <Space>
          <Button type="primary" size="small" disabled={badHours.length > 0 || invalid.length > 0} onClick={() => void save()}>
            {t('settings.save')}
          </Button>
          {own && (
            <Button size="small" danger onClick={() => void run(() => deleteCalendar(scope), t('sla.saved')).then((ok) => ok && onSaved())}>
              {t('sla.calendar.remove')}
            </Button>
          )}
        </Space>
      </Space>
    </Card>
  );
}

type PolicyRow = SlaPolicy & { draft?: boolean };

/** Response-time targets per inbox and priority (the most specific one applies). */
function PolicyTable({ config, inboxes, onSaved }: { config: SlaConfig; inboxes: InboxSummary[]; onSaved(): void }) {
  const { t } = useI18n();
  const run = useRun();
  const [rows, setRows] = useState<PolicyRow[]>(config.policies);
  useEffect(() => setRows(config.policies), [config]);
  const update = (id: string, patch: Partial<SlaPolicy>) =>
    setRows((list) => list.map((row) => (row.id === id ? { ...row, ...patch } : row)));
  const save = (row: PolicyRow) => {
    const input = {
      inboxId: row.inboxId,
      priority: row.priority,
      firstResponseMinutes: row.firstResponseMinutes,
      nextResponseMinutes: row.nextResponseMinutes,
      warnPercent: row.warnPercent,
    };
    return run(() => (row.draft ? createPolicy(input) : updatePolicy(row.id, input)), t('sla.saved')).then((ok) => ok && onSaved());
  };
  const minutes = (row: PolicyRow, key: 'firstResponseMinutes' | 'nextResponseMinutes' | 'warnPercent', max: number) => (
    <InputNumber<number>
      size="small"
      min={1}
      max={max}
      aria-label={t(`sla.policy.${key}`)}
      value={row[key]}
      onChange={(value) => update(row.id, { [key]: value ?? 1 })}
    />
  );
  return (
    <Card
      size="small"
      title={t('sla.policy.title')}
      extra={
        <Button
          size="small"
          icon={<PlusOutlined />}
          onClick={() =>
            setRows((list) => [
              ...list,
              {
                id: `new-${Date.now()}`,
                draft: true,
                inboxId: null,
                priority: null,
                firstResponseMinutes: 30,
                nextResponseMinutes: 60,
                warnPercent: 80,
              },
            ])
          }
        >
          {t('sla.policy.add')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('sla.policy.help')}</Typography.Paragraph>
      <Table<PolicyRow>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: t('sla.policy.inbox'),
            render: (_, row) => (
              <Select<string>
                size="small"
                aria-label={t('sla.policy.inbox')}
                value={row.inboxId ?? ALL}
                onChange={(value) => update(row.id, { inboxId: value === ALL ? null : value })}
                popupMatchSelectWidth={false}
                options={[{ value: ALL, label: t('sla.policy.anyInbox') }, ...inboxes.map((i) => ({ value: i.id, label: i.name }))]}
              />
            ),
          },
          {
            title: t('sla.policy.priority'),
            render: (_, row) => (
              <Select<string>
                size="small"
                aria-label={t('sla.policy.priority')}
                value={row.priority ?? ALL}
                onChange={(value) => update(row.id, { priority: value === ALL ? null : (value as Priority) })}
                popupMatchSelectWidth={false}
                options={[
                  { value: ALL, label: t('sla.policy.anyPriority') },
                  ...PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) })),
                ]}
              />
            ),
          },
          { title: t('sla.policy.firstResponseMinutes'), render: (_, row) => minutes(row, 'firstResponseMinutes', 100000) },
          { title: t('sla.policy.nextResponseMinutes'), render: (_, row) => minutes(row, 'nextResponseMinutes', 100000) },
          { title: t('sla.policy.warnPercent'), render: (_, row) => minutes(row, 'warnPercent', 99) },
          {
            title: '',
            render: (_, row) => (
              <Space>
                <Button size="small" type="primary" onClick={() => void save(row)}>
                  {t('sla.policy.save')}
                </Button>
                <Button
                  size="small"
                  type="text"
                  icon={<DeleteOutlined />}
                  aria-label={t('sla.policy.delete')}
                  onClick={() =>
                    row.draft
                      ? setRows((list) => list.filter((r) => r.id !== row.id))
                      : void run(() => deletePolicy(row.id), t('sla.saved')).then((ok) => ok && onSaved())
                  }
                />
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

/** Settings → SLA: ticker and promise settings, business calendars with holidays, response-time policies. */
export function SlaSettings() {
  const { t } = useI18n();
  const [config, setConfig] = useState<SlaConfig | null>(null);
  const [inboxes, setInboxes] = useState<InboxSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    getSlaConfig().then(
      (c) => {
        setConfig(c);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useEffect(() => {
    load();
    listInboxes().then(setInboxes, () => setInboxes([]));
  }, [load]);
  if (error) return <Alert type="error" showIcon title={t('app.error', { message: error })} />;
  if (!config) return <Spin />;
  return (
    <Space orientation="vertical" size={16} className="sla-settings" data-settings="sla" style={{ width: '100%', maxWidth: 1100 }}>
      <GeneralSettings initial={config.settings} onSaved={load} />
      <CalendarEditor config={config} inboxes={inboxes} onSaved={load} />
      <PolicyTable config={config} inboxes={inboxes} onSaved={load} />
    </Space>
  );
}
