import { Empty } from 'antd';
import { useI18n } from '../../i18n/i18n.js';

/** Placeholder until the canned-reply editor lands here. */
export function CannedSettings() {
  const { t } = useI18n();
  return <Empty description={t('settings.soon')} />;
}
