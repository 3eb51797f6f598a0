import { SwapOutlined } from '@ant-design/icons';
import { Alert, App, Button, Result, Select, Space, Spin, Tag, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CustomerAnalysis } from '@tongli/engine';
import { ApiError } from '../../api/client.js';
import { api } from '../../api/instance.js';
import type { ConversationDetail, ConversationListItem, Me, Priority } from '../../api/types.js';
import { EmotionBadge, RiskTags } from '../../components/emotion-badge.js';
import { useI18n } from '../../i18n/i18n.js';
import { Composer } from '../composer/composer.js';
import type { LoadedEngine } from '../composer/engine.js';
import type { CoachContext } from '../composer/use-coach.js';
import { ConversationCsat } from '../csat/conversation-csat.js';
import { CustomerPanel } from '../customer/customer-panel.js';
import { MyPromisesButton } from '../promises/my-promises.js';
import { ExpectationBanner } from '../sla/expectation-banner.js';
import { SlaBadge, useConversationSla, useNow } from '../sla/sla-badge.js';
import { MessageItem } from './message-item.js';
import { TransferDialog } from './transfer-dialog.js';

const NOT_FOUND = 'not_found';

// ECharts is half a megabyte: the chart loads after the thread is on screen.
const EmotionTimeline = lazy(() => import('./emotion-timeline.js').then((m) => ({ default: m.EmotionTimeline })));

const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];

/** One conversation: header with status and priority, emotion timeline, the thread, the composer and the customer. */
export function ConversationPane({
  me,
  id,
  summary,
  engine,
  version,
  onOpen,
  onChanged,
}: {
  me: Me;
  id: string;
  summary: ConversationListItem | undefined;
  engine: LoadedEngine | undefined;
  /** Bumped by realtime events about this conversation: reload. */
  version: number;
  onOpen(id: string): void;
  onChanged(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const thread = useRef<HTMLDivElement>(null);
  const [transferring, setTransferring] = useState(false);
  const sla = useConversationSla(id, version);
  const now = useNow();
  const [insertion, setInsertion] = useState<{ text: string }>();

  const reload = useCallback(() => {
    api.getConversation(id).then(
      (d) => {
        setDetail(d);
        setError(null);
      },
      // A hidden conversation answers 404 like a missing one: nothing about it is shown.
      (e: unknown) => setError(e instanceof ApiError && e.status === 404 ? NOT_FOUND : e instanceof Error ? e.message : String(e)),
    );
  }, [id]);

  useEffect(() => {
    setDetail(null);
    setError(null);
  }, [id]);
  useEffect(reload, [reload, version]);

  // Follow the newest message: on a new message, or on a refresh while the agent was reading the end of the thread.
  const count = detail?.messages.length ?? 0;
  const seen = useRef({ count: 0, atEnd: true });
  useLayoutEffect(() => {
    const el = thread.current;
    if (!el) return;
    if (count !== seen.current.count || seen.current.atEnd) el.scrollTop = el.scrollHeight;
    seen.current = { count, atEnd: true };
  }, [detail, count]);
  const onThreadScroll = () => {
    const el = thread.current;
    if (el) seen.current.atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  };

  const customerName = summary?.customerName ?? '';
  const context = useMemo<CoachContext>(() => {
    const messages = detail?.messages ?? [];
    const lastCustomer = messages.findLast((m) => m.type === 'incoming');
    const analysis =
      lastCustomer?.analysis?.role === 'customer' ? (lastCustomer.analysis.customer as unknown as CustomerAnalysis) : undefined;
    return {
      ...(lastCustomer ? { customer: lastCustomer.body } : {}),
      ...(analysis && Array.isArray(analysis.signals) ? { customerAnalysis: analysis } : {}),
      ...(customerName ? { customerName } : {}),
      previousAgentTurns: messages
        .filter((m) => m.type === 'outgoing')
        .slice(-5)
        .map((m) => m.body),
    };
  }, [detail, customerName]);

  const send = useCallback(
    async (body: string, type: 'outgoing' | 'note') => {
      try {
        const posted = await api.postMessage(id, body, type);
        setDetail((d) => (d && !d.messages.some((m) => m.id === posted.id) ? { ...d, messages: [...d.messages, posted] } : d));
        onChanged();
        return true;
      } catch (e) {
        void message.error(t('composer.sendFailed', { message: e instanceof Error ? e.message : String(e) }));
        return false;
      }
    },
    [id, message, onChanged, t],
  );

  const change = async (patch: { status?: 'open' | 'resolved'; priority?: Priority }) => {
    try {
      const conversation = await api.updateConversation(id, patch);
      setDetail((d) => (d ? { ...d, conversation } : d));
      onChanged();
    } catch (e) {
      void message.error(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
    }
  };

  if (error === NOT_FOUND)
    return <Result status="404" title={t('conversation.notFound')} className="pane-error conversation-not-found" data-not-found="" />;
  if (error) return <Alert type="error" showIcon title={t('app.error', { message: error })} className="pane-error" />;
  if (!detail) return <Spin className="pane-spinner" />;
  const { conversation, analysis } = detail;
  const lastCustomer = detail.messages.findLast((m) => m.type === 'incoming')?.analysis;
  return (
    <div className="conversation-layout">
      <section className="conversation" aria-label={conversation.subject || customerName}>
        <header className="conversation-head">
          <div className="conversation-title">
            <Typography.Title level={4} className="conversation-name">
              {customerName || '—'}
            </Typography.Title>
            <Typography.Text type="secondary" ellipsis className="conversation-subject">
              {conversation.subject}
            </Typography.Text>
          </div>
          <Space wrap size={6} className="conversation-facts">
            {lastCustomer?.role === 'customer' && (
              <EmotionBadge emotion={lastCustomer.customer.emotion} intensity={lastCustomer.customer.intensity} />
            )}
            <RiskTags risk={summary?.analysis?.risk} />
            <SlaBadge state={sla.sla} now={now} />
            <ConversationCsat conversationId={conversation.id} version={version} />
            {analysis?.scorecard && (
              <Tag>
                {t('conversation.score')} {Math.round(analysis.scorecard.total)}
              </Tag>
            )}
            <Select<Priority>
              size="small"
              aria-label={t('conversation.priority')}
              value={conversation.priority}
              onChange={(priority) => void change({ priority })}
              options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
              popupMatchSelectWidth={false}
            />
            {me.role !== 'qa' && <MyPromisesButton version={version} onOpen={onOpen} />}
            {me.role !== 'qa' && (
              <Button size="small" icon={<SwapOutlined />} onClick={() => setTransferring(true)}>
                {t('transfer.open')}
              </Button>
            )}
            {conversation.status === 'resolved' ? (
              <Button size="small" onClick={() => void change({ status: 'open' })}>
                {t('conversation.reopen')}
              </Button>
            ) : (
              <Button size="small" onClick={() => void change({ status: 'resolved' })}>
                {t('conversation.resolve')}
              </Button>
            )}
          </Space>
        </header>
        <Suspense fallback={<div className="timeline" />}>
          <EmotionTimeline trajectory={analysis?.trajectory ?? []} />
        </Suspense>
        <div className="thread" ref={thread} onScroll={onThreadScroll}>
          {detail.messages.map((m) => (
            <MessageItem key={m.id} message={m} customerName={customerName} engine={engine} />
          ))}
        </div>
        <ExpectationBanner expectation={sla.expectation} onInsert={(text) => setInsertion({ text })} onChanged={sla.reload} />
        <Composer conversationId={conversation.id} engine={engine} context={context} insertion={insertion} onSend={send} />
      </section>
      <TransferDialog
        open={transferring}
        me={me}
        detail={detail}
        risk={summary?.analysis?.risk ?? []}
        onClose={() => setTransferring(false)}
        onDone={() => {
          setTransferring(false);
          reload();
          onChanged();
        }}
      />
      <CustomerPanel customerId={conversation.customerId} customerName={customerName} currentId={conversation.id} onOpen={onOpen} />
    </div>
  );
}
