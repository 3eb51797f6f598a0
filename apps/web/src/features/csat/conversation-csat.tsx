import { Popover, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { EmotionBadge } from '../../components/emotion-badge.js';
import { useI18n } from '../../i18n/i18n.js';
import { fetchConversationSurvey, surveyState, type CsatSurvey, type SurveyState } from './api.js';

const COLORS: Record<SurveyState, string | undefined> = { none: undefined, pending: undefined, low: 'red', neutral: 'gold', good: 'green' };

/** The rating as five stars, filled up to the rating (the number stays in the label for screen readers). */
export function Stars({ rating }: { rating: number }) {
  return (
    <span className="csat-stars" aria-hidden="true">
      {'★'.repeat(rating)}
      {'☆'.repeat(Math.max(0, 5 - rating))}
    </span>
  );
}

/** The survey's answer: rating, the customer's comment (as text) and its analysed emotion. */
export function SurveyAnswer({ survey }: { survey: CsatSurvey }) {
  const { t } = useI18n();
  return (
    <div className="csat-answer">
      {survey.rating !== null && (
        <Typography.Text strong>
          <Stars rating={survey.rating} /> {t('csat.rating', { rating: survey.rating })}
        </Typography.Text>
      )}
      {survey.comment ? (
        <Typography.Paragraph className="csat-comment" style={{ whiteSpace: 'pre-wrap', margin: '8px 0' }}>
          {survey.comment}
        </Typography.Paragraph>
      ) : (
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0' }}>
          {t('csat.noComment')}
        </Typography.Paragraph>
      )}
      {survey.commentAnalysis && <EmotionBadge emotion={survey.commentAnalysis.emotion} intensity={survey.commentAnalysis.intensity} />}
    </div>
  );
}

/**
 * The conversation's satisfaction survey in its header: nothing before it is resolved, "awaiting answer" once sent,
 * then the rating with the comment on hover or focus. Reloads when `version` changes (realtime events).
 */
export function ConversationCsat({ conversationId, version }: { conversationId: string; version: number }) {
  const { t } = useI18n();
  const [survey, setSurvey] = useState<CsatSurvey | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchConversationSurvey(conversationId, controller.signal).then(setSurvey, () => {
      if (!controller.signal.aborted) setSurvey(null);
    });
    return () => controller.abort();
  }, [conversationId, version]);

  const state = surveyState(survey);
  if (!survey || state === 'none') return null;
  if (state === 'pending') {
    return (
      <Tag className="csat-tag" data-csat="pending">
        {t('csat.pending')}
      </Tag>
    );
  }
  return (
    <Popover title={t('csat.title')} content={<SurveyAnswer survey={survey} />} trigger={['hover', 'focus']}>
      <Tag className="csat-tag" data-csat={state} color={COLORS[state]} tabIndex={0}>
        {t('csat.tag', { rating: survey.rating ?? 0 })}
      </Tag>
    </Popover>
  );
}
