import { LockOutlined } from '@ant-design/icons';
import { Typography } from 'antd';
import { memo } from 'react';
import type { Message } from '../../api/types.js';
import { EmotionBadge } from '../../components/emotion-badge.js';
import { useI18n } from '../../i18n/i18n.js';
import type { LoadedEngine } from '../composer/engine.js';
import { marksOf } from './findings.js';
import { HighlightedText } from './highlighted-text.js';

const timeOf = (iso: string, language: string) =>
  new Date(iso).toLocaleString(language, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** One message of the thread: the customer's on the left with their emotion, replies on the right, notes set apart. */
export const MessageItem = memo(function MessageItem({
  message,
  customerName,
  engine,
}: {
  message: Message;
  customerName: string;
  engine: LoadedEngine | undefined;
}) {
  const { t, language } = useI18n();
  const analysis = message.analysis;
  if (message.type === 'activity') {
    return (
      <div className="message message-activity" data-message-type="activity">
        <Typography.Text type="secondary">{message.body}</Typography.Text>
      </div>
    );
  }
  const who =
    message.type === 'incoming'
      ? customerName || t('conversation.customer')
      : message.type === 'note'
        ? t('conversation.note')
        : t('conversation.agent');
  return (
    <div className={`message message-${message.type}`} data-message-type={message.type} data-message-id={message.id}>
      <div className="message-meta">
        {message.type === 'note' && <LockOutlined />}
        <span className="message-who">{who}</span>
        <span className="message-time">{timeOf(message.createdAt, language)}</span>
        {analysis?.role === 'customer' && <EmotionBadge emotion={analysis.customer.emotion} intensity={analysis.customer.intensity} />}
        {analysis?.role === 'agent' && analysis.agent.empathyScore !== 0 && (
          <span className={`empathy ${analysis.agent.empathyScore > 0 ? 'empathy-good' : 'empathy-bad'}`}>
            {t('conversation.empathy')} {analysis.agent.empathyScore > 0 ? '+' : ''}
            {Math.round(analysis.agent.empathyScore)}
          </span>
        )}
        {!analysis && message.type === 'incoming' && <span className="pending">{t('conversation.pendingAnalysis')}</span>}
      </div>
      <div className="message-body">
        <HighlightedText text={message.body} marks={marksOf(analysis)} engine={engine} />
      </div>
    </div>
  );
});
