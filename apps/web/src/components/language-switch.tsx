import { Segmented } from 'antd';
import { useI18n } from '../i18n/i18n.js';
import type { Language } from '../i18n/translate.js';

/** 中文 / EN switch; the choice is remembered. */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <Segmented<Language>
      aria-label={t('app.language')}
      size="small"
      value={language}
      onChange={setLanguage}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'EN', value: 'en' },
      ]}
    />
  );
}
