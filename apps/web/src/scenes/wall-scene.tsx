import { AlertOutlined, EyeOutlined, MessageOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { Alert, App, Button, Empty, Input, Modal, Table, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/instance.js';
import type { ConversationListItem, Me, UserSummary } from '../api/types.js';
import { EmotionBadge, RiskTags } from '../components/emotion-badge.js';
import { colorOfEmotion, measureWaiting, pickRiskFlags } from '../components/emotion.js';
import { Topbar } from '../components/topbar.js';
import { useRealtime, type RealtimeEvent } from '../features/realtime/use-realtime.js';
import { listSlaStates, type SlaState } from '../features/sla/api.js';
import {
  agentLoads,
  alertsFromFlags,
  alertsFromSla,
  parseAlert,
  startOfToday,
  type AgentLoad,
  type WallAlert,
} from '../features/wall/wall-stats.js';
import { useI18n } from '../i18n/i18n.js';

const LIMIT = 500;
const POLL_MS = 15_000;
const MAX_LIVE_ALERTS = 100;
const ALERT_COLORS: Record<WallAlert['kind'], string> = {
  self_harm: 'magenta',
  threat: 'red',
  abuse: 'volcano',
  escalation_threat: 'orange',
  anger_rising: 'gold',
  sla_breached: 'red',
  sla_warning: 'gold',
  low_csat: 'purple',
  promise_overdue: 'orange',
  automation: 'blue',
};

interface WallData {
  open: ConversationListItem[];
  total: number;
  resolved: ConversationListItem[];
}

/**
 * The supervisor wall: every open conversation as a tile coloured by the customer's emotion and risk, the alert feed,
 * and per-agent load with handled count and abusive-contact exposure. Whisper (a private note) or take over from a tile.
 */
export function WallScene({ me, path, navigate, onLogout }: { me: Me; path: string; navigate(path: string): void; onLogout(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [data, setData] = useState<WallData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [users, setUsers] = useState<UserSummary[]>([]);
  const [live, setLive] = useState<WallAlert[]>([]);
  const [sla, setSla] = useState<SlaState[]>([]);
  const [whisperTo, setWhisperTo] = useState<ConversationListItem | null>(null);
  const [whisper, setWhisper] = useState('');
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(() => {
    Promise.all([
      api.listConversations({ status: 'open', limit: LIMIT, offset: 0 }),
      api.listConversations({ status: 'resolved', sort: 'recent', limit: LIMIT, offset: 0 }),
    ]).then(
      ([open, resolved]) => {
        setData({ open: open.items, total: open.total, resolved: resolved.items });
        setError(null);
        setNow(Date.now());
        // SLA clocks at risk or breached are alerts too, also when they were raised before the wall was opened.
        listSlaStates(open.items.map((c) => c.id)).then(setSla, () => setSla([]));
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    api.listUsers().then(setUsers, () => setUsers([]));
  }, []);

  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onEvent = useCallback(
    (event: RealtimeEvent) => {
      if (event.type === 'alert.raised') {
        const alert = parseAlert(event.data, new Date().toISOString());
        if (alert) setLive((list) => (list.some((a) => a.key === alert.key) ? list : [alert, ...list].slice(0, MAX_LIVE_ALERTS)));
      }
      if (event.type.startsWith('conversation.') || event.type.startsWith('message.') || event.type === 'alert.raised') {
        clearTimeout(timer.current);
        timer.current = setTimeout(load, 500);
      }
    },
    [load],
  );
  const { online } = useRealtime(onEvent);
  useEffect(() => {
    if (online) return;
    const poll = setInterval(load, POLL_MS);
    return () => clearInterval(poll);
  }, [online, load]);

  const byId = useMemo(() => new Map((data?.open ?? []).map((c) => [c.id, c])), [data]);
  const names = useMemo(() => new Map(users.map((u) => [u.id, u.name])), [users]);
  const alerts = useMemo(() => {
    const flagged = [...alertsFromFlags(data?.open ?? []), ...alertsFromSla(sla)];
    // A live alert stands for its conversation's flag of the same kind.
    const liveKeys = new Set(live.map((a) => `${a.conversationId}:${a.kind}`));
    return [...live, ...flagged.filter((a) => !liveKeys.has(`${a.conversationId}:${a.kind}`))];
  }, [data, live, sla]);
  const loads = useMemo(() => agentLoads(data?.open ?? [], data?.resolved ?? [], users, startOfToday()), [data, users]);

  const openConversation = (id: string) => navigate(`/conversations/${id}`);

  const takeOver = async (c: ConversationListItem) => {
    try {
      await api.updateConversation(c.id, { assigneeId: me.id });
      void message.success(t('wall.tookOver', { name: c.customerName }));
      load();
    } catch (e) {
      void message.error(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
    }
  };

  const sendWhisper = async () => {
    if (!whisperTo || !whisper.trim()) return;
    try {
      await api.postMessage(whisperTo.id, whisper.trim(), 'note');
      void message.success(t('wall.whispered'));
      setWhisperTo(null);
      setWhisper('');
    } catch (e) {
      void message.error(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
    }
  };

  const atRisk = data?.open.filter((c) => pickRiskFlags(c.analysis?.risk).length > 0).length ?? 0;
  const upset = data?.open.filter((c) => ['anger', 'frustration'].includes(c.analysis?.lastEmotion ?? '')).length ?? 0;

  return (
    <div className="workspace">
      <Topbar me={me} path={path} navigate={navigate} onLogout={onLogout} online={online} />
      <div className="wall">
        <main className="wall-main" aria-label={t('wall.grid')}>
          <div className="wall-head">
            <Typography.Title level={4} className="wall-title">
              {t('wall.title')}
            </Typography.Title>
            {data && (
              <div className="wall-counts">
                <span>{t('wall.openCount', { count: data.total })}</span>
                <span className="wall-count-risk">{t('wall.riskCount', { count: atRisk })}</span>
                <span className="wall-count-upset">{t('wall.upsetCount', { count: upset })}</span>
                {data.total > data.open.length && <span>{t('wall.shown', { count: data.open.length })}</span>}
              </div>
            )}
          </div>
          {error && <Alert type="error" showIcon title={t('app.error', { message: error })} />}
          {data && data.open.length === 0 && <Empty className="wall-empty" description={t('wall.empty')} />}
          <div className="wall-grid">
            {data?.open.map((c) => {
              const emotion = c.analysis?.lastEmotion ?? null;
              const risk = pickRiskFlags(c.analysis?.risk);
              const waiting = measureWaiting(c.waitingSince, now);
              return (
                <article
                  key={c.id}
                  className={`wall-tile ${risk.length > 0 ? 'wall-tile-risk' : ''}`}
                  data-conversation-id={c.id}
                  style={{ borderColor: colorOfEmotion(emotion), background: `${colorOfEmotion(emotion)}14` }}
                >
                  <button type="button" className="wall-tile-open" onClick={() => openConversation(c.id)} title={t('wall.open')}>
                    <span className="wall-tile-name">{c.customerName || '—'}</span>
                    <span className="wall-tile-subject">{c.subject || c.lastMessage || t('inbox.noMessage')}</span>
                  </button>
                  <div className="wall-tile-facts">
                    <EmotionBadge emotion={emotion} intensity={c.analysis?.lastIntensity} />
                    <RiskTags risk={risk} />
                  </div>
                  <div className="wall-tile-foot">
                    <span className="wall-tile-agent">
                      {c.assigneeId ? (
                        (names.get(c.assigneeId) ?? '…')
                      ) : (
                        <Typography.Text type="warning">{t('wall.unassigned')}</Typography.Text>
                      )}
                    </span>
                    <span className="wall-tile-waiting">
                      {waiting ? t('inbox.waiting', { value: waiting.value, unit: t(`unit.${waiting.unit}`) }) : ''}
                    </span>
                    <Tooltip title={t('wall.whisper')}>
                      <Button
                        size="small"
                        type="text"
                        icon={<MessageOutlined />}
                        aria-label={t('wall.whisper')}
                        onClick={() => {
                          setWhisper('');
                          setWhisperTo(c);
                        }}
                      />
                    </Tooltip>
                    <Tooltip title={t('wall.takeOver')}>
                      <Button
                        size="small"
                        type="text"
                        icon={<UserSwitchOutlined />}
                        aria-label={t('wall.takeOver')}
                        disabled={c.assigneeId === me.id}
                        onClick={() => void takeOver(c)}
                      />
                    </Tooltip>
                  </div>
                </article>
              );
            })}
          </div>
        </main>
        <aside className="wall-side">
          <section className="wall-alerts" aria-label={t('wall.alerts')}>
            <Typography.Text strong className="wall-side-title">
              <AlertOutlined /> {t('wall.alerts')}
            </Typography.Text>
            {alerts.length === 0 ? (
              <Typography.Text type="secondary" className="wall-side-empty">
                {t('wall.noAlerts')}
              </Typography.Text>
            ) : (
              <ul className="alert-feed">
                {alerts.map((a) => {
                  const c = byId.get(a.conversationId);
                  return (
                    <li key={a.key}>
                      <button type="button" className="alert-item" data-alert={a.kind} onClick={() => openConversation(a.conversationId)}>
                        <Tag color={ALERT_COLORS[a.kind]} className="risk-tag">
                          {t(`alert.${a.kind}`)}
                        </Tag>
                        <span className="alert-name">{c?.customerName ?? t('wall.someConversation')}</span>
                        <span className="alert-meta">
                          {a.live ? <Tag color="blue">{t('wall.liveAlert')}</Tag> : null}
                          {new Date(a.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
                          <EyeOutlined />
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          <section className="wall-agents" aria-label={t('wall.agents')}>
            <Typography.Text strong className="wall-side-title">
              {t('wall.agents')}
            </Typography.Text>
            <Table<AgentLoad>
              size="small"
              pagination={false}
              rowKey={(r) => r.agentId ?? 'unassigned'}
              dataSource={loads}
              locale={{ emptyText: t('wall.noAgents') }}
              columns={[
                {
                  title: t('wall.agent'),
                  dataIndex: 'name',
                  ellipsis: true,
                  render: (name: string, r) =>
                    r.agentId === null ? <Typography.Text type="warning">{t('wall.unassigned')}</Typography.Text> : name,
                },
                { title: t('wall.load'), dataIndex: 'open', width: 64, align: 'right' },
                { title: t('wall.handled'), dataIndex: 'handledToday', width: 72, align: 'right' },
                {
                  title: <Tooltip title={t('wall.exposureHelp')}>{t('wall.exposure')}</Tooltip>,
                  dataIndex: 'abusive',
                  width: 72,
                  align: 'right',
                  render: (n: number) => (n > 0 ? <Tag color="volcano">{n}</Tag> : n),
                },
              ]}
            />
          </section>
        </aside>
      </div>
      <Modal
        open={whisperTo !== null}
        title={t('wall.whisperTitle', { name: whisperTo?.customerName ?? '' })}
        okText={t('wall.whisperSend')}
        cancelText={t('app.cancel')}
        okButtonProps={{ disabled: !whisper.trim() }}
        onOk={() => void sendWhisper()}
        onCancel={() => setWhisperTo(null)}
      >
        <Typography.Paragraph type="secondary">{t('wall.whisperHelp')}</Typography.Paragraph>
        <Input.TextArea
          aria-label={t('wall.whisper')}
          value={whisper}
          onChange={(e) => setWhisper(e.target.value)}
          autoSize={{ minRows: 3, maxRows: 8 }}
          maxLength={5000}
          autoFocus
        />
      </Modal>
    </div>
  );
}
