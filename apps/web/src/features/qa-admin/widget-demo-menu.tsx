import { MessageOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useEffect, useState } from 'react';
import { listInboxes, type InboxSummary } from '../../api/settings.js';
import { useI18n } from '../../i18n/i18n.js';

/** For supervisors and admins: the web inboxes, each opening its widget demo page (the customer's side) in a new tab. */
export function WidgetDemoMenu() {
  const { t } = useI18n();
  const [inboxes, setInboxes] = useState<InboxSummary[]>([]);
  useEffect(() => {
    listInboxes().then(
      (items) => setInboxes(items.filter((i) => i.channel === 'web')),
      () => setInboxes([]),
    );
  }, []);
  if (inboxes.length === 0) return null;
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: inboxes.map((inbox) => ({
          key: inbox.id,
          label: (
            <a href={`/demo/widget?inbox=${encodeURIComponent(inbox.id)}`} target="_blank" rel="noopener" data-demo-inbox={inbox.id}>
              {inbox.name}
            </a>
          ),
        })),
      }}
    >
      <Button size="small" type="text" icon={<MessageOutlined />} aria-label={t('demo.widget')} data-action="widget-demo">
        {t('demo.widget')}
      </Button>
    </Dropdown>
  );
}
