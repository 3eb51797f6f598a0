import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n.js';

/** A settings card listing things (queues, rules …): title, reload and "new" buttons, a line of help, the list. */
export function ListCard({
  title,
  help,
  newLabel,
  onNew,
  onReload,
  children,
}: {
  title: string;
  help: string;
  newLabel: string;
  onNew(): void;
  onReload(): void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Card
      size="small"
      title={title}
      extra={
        <Space>
          <Button size="small" icon={<ReloadOutlined />} onClick={onReload} aria-label={t('routing.reload')} />
          <Button size="small" type="primary" icon={<PlusOutlined />} onClick={onNew}>
            {newLabel}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{help}</Typography.Paragraph>
      {children}
    </Card>
  );
}
