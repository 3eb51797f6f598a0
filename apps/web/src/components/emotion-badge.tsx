import { Tag, Tooltip } from 'antd';
import { useI18n } from '../i18n/i18n.js';
import { colorOfEmotion, pickRiskFlags, RISK_COLORS } from './emotion.js';

/** The customer's emotion as a coloured dot, its name and a bar for its intensity. */
export function EmotionBadge({ emotion, intensity }: { emotion: string | null | undefined; intensity: number | null | undefined }) {
  const { t } = useI18n();
  if (!emotion) return null;
  const level = Math.max(0, Math.min(1, intensity ?? 0));
  return (
    <Tooltip title={`${t('conversation.intensity')} ${level.toFixed(2)}`}>
      <span className="emotion-badge" data-emotion={emotion}>
        <span className="emotion-dot" style={{ background: colorOfEmotion(emotion) }} />
        <span className="emotion-name">{t(`emotion.${emotion}`)}</span>
        <span className="intensity" aria-hidden="true">
          <span style={{ width: `${Math.round(level * 100)}%`, background: colorOfEmotion(emotion) }} />
        </span>
      </span>
    </Tooltip>
  );
}

/** Risk flags (self-harm, threat, abuse, escalation threat) as tags. */
export function RiskTags({ risk }: { risk: readonly string[] | null | undefined }) {
  const { t } = useI18n();
  return (
    <>
      {pickRiskFlags(risk).map((flag) => (
        <Tag key={flag} color={RISK_COLORS[flag]} className="risk-tag" data-risk={flag}>
          {t(`risk.${flag}`)}
        </Tag>
      ))}
    </>
  );
}
