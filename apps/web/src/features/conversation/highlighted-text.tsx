import { Tooltip } from 'antd';
import { useI18n } from '../../i18n/i18n.js';
import { describeFinding, type LoadedEngine } from '../composer/engine.js';
import { buildSegments, type Mark } from './segments.js';

/**
 * Message text with its findings highlighted; hovering or focusing (Tab) a highlight explains it. The text is only
 * ever rendered as React text nodes (customer text is untrusted).
 */
export function HighlightedText({ text, marks, engine }: { text: string; marks: readonly Mark[]; engine: LoadedEngine | undefined }) {
  const { language } = useI18n();
  const lang = language === 'en' ? 'en' : 'zh';
  return (
    <>
      {buildSegments(text, marks).map((segment) => {
        if (segment.marks.length === 0) return <span key={segment.start}>{segment.text}</span>;
        const top = segment.marks.find((m) => m.tone === 'harmful' || m.tone === 'signal') ?? segment.marks[0];
        const title = (
          <div className="finding-tip">
            {segment.marks.map((m) => {
              const { name, explanation } = describeFinding(engine?.catalogue, m.id, lang);
              return (
                <div key={m.id}>
                  <strong>{name}</strong>
                  {explanation && <div>{explanation}</div>}
                </div>
              );
            })}
          </div>
        );
        return (
          <Tooltip key={segment.start} title={title} trigger={['hover', 'focus']}>
            <mark className={`finding finding-${top?.tone ?? 'cue'}`} tabIndex={0} data-finding={segment.marks.map((m) => m.id).join(' ')}>
              {segment.text}
            </mark>
          </Tooltip>
        );
      })}
    </>
  );
}
