import { Alert, Empty, Input, Select, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/instance.js';
import type { ConversationStatus, Me, Team } from '../api/types.js';
import { Topbar } from '../components/topbar.js';
import { useEngine } from '../features/composer/use-engine.js';
import { ConversationPane } from '../features/conversation/conversation-pane.js';
import { InboxList } from '../features/inbox/inbox-list.js';
import { useInbox, type InboxFilters } from '../features/inbox/use-inbox.js';
import { WidgetDemoMenu } from '../features/qa-admin/widget-demo-menu.js';
import { useRealtime, type RealtimeEvent } from '../features/realtime/use-realtime.js';
import { useI18n } from '../i18n/i18n.js';

const STATUSES: (ConversationStatus | 'all')[] = ['open', 'pending', 'snoozed', 'resolved', 'all'];
const POLL_MS = 15_000;

const conversationIdOf = (path: string): string | null => /^\/conversations\/([0-9a-f-]{36})$/i.exec(path)?.[1] ?? null;

/** The agent workspace: inbox on the left, the open conversation with live coaching, and the customer on the right. */
export function WorkspaceScene({ me, path, navigate, onLogout }: { me: Me; path: string; navigate(path: string): void; onLogout(): void }) {
  const { t } = useI18n();
  const [filters, setFilters] = useState<InboxFilters>({ status: 'open' });
  const [teams, setTeams] = useState<Team[]>([]);
  const [version, setVersion] = useState(0);
  const inbox = useInbox(filters);
  const engine = useEngine();
  const selectedId = conversationIdOf(path);
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;

  useEffect(() => {
    api.listTeams().then(setTeams, () => setTeams([]));
  }, []);

  const refreshTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const { refresh } = inbox;
  const refreshSoon = useCallback(() => {
    clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(refresh, 500);
  }, [refresh]);
  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  const onEvent = useCallback(
    (event: RealtimeEvent) => {
      if (event.conversationId && event.conversationId === selectedRef.current) setVersion((v) => v + 1);
      if (event.type.startsWith('conversation.') || event.type.startsWith('message.') || event.type === 'alert.raised') refreshSoon();
    },
    [refreshSoon],
  );
  const { online } = useRealtime(onEvent);

  useEffect(() => {
    if (online) return;
    const timer = setInterval(() => {
      refresh();
      setVersion((v) => v + 1);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [online, refresh]);

  const summary = useMemo(() => {
    if (!selectedId || inbox.total === null) return undefined;
    for (let i = 0; i < inbox.total; i++) {
      const row = inbox.rowAt(i);
      if (row?.id === selectedId) return row;
      if (row === undefined && i > 0) break;
    }
    return undefined;
  }, [inbox, selectedId]);

  const open = useCallback((id: string) => navigate(`/conversations/${id}`), [navigate]);

  return (
    <div className="workspace">
      <Topbar me={me} path={path} navigate={navigate} onLogout={onLogout} online={online} />
      <div className="workspace-body">
        <nav className="inbox" aria-label={t('inbox.title')}>
          <div className="inbox-head">
            <Typography.Text strong>{t('inbox.title')}</Typography.Text>
            {inbox.total !== null && <Typography.Text type="secondary">{t('inbox.count', { total: inbox.total })}</Typography.Text>}
            {(me.role === 'supervisor' || me.role === 'admin') && <WidgetDemoMenu />}
          </div>
          <div className="inbox-filters">
            <Select<ConversationStatus | 'all'>
              size="small"
              aria-label={t('inbox.status')}
              value={filters.status}
              onChange={(status) => setFilters((f) => ({ ...f, status }))}
              options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
              className="filter-status"
            />
            {teams.length > 0 && (
              <Select<string>
                size="small"
                aria-label={t('inbox.team')}
                value={filters.teamId ?? ''}
                onChange={(teamId) => setFilters((f) => ({ ...f, teamId: teamId || undefined }))}
                options={[{ value: '', label: t('inbox.allTeams') }, ...teams.map((team) => ({ value: team.id, label: team.name }))]}
                className="filter-team"
                popupMatchSelectWidth={false}
              />
            )}
            <Input.Search
              size="small"
              allowClear
              aria-label={t('inbox.tag')}
              placeholder={t('inbox.tagPlaceholder')}
              onSearch={(tag) => setFilters((f) => ({ ...f, tag: tag.trim() || undefined }))}
              className="filter-tag"
            />
          </div>
          {inbox.error && <Alert type="error" showIcon title={t('app.error', { message: inbox.error })} />}
          <InboxList inbox={inbox} selectedId={selectedId} onOpen={open} />
        </nav>
        <main className="workspace-main">
          {selectedId ? (
            <ConversationPane
              key={selectedId}
              me={me}
              id={selectedId}
              summary={summary}
              engine={engine}
              version={version}
              onOpen={open}
              onChanged={refreshSoon}
            />
          ) : (
            <Empty className="pane-empty" description={t('conversation.select')} />
          )}
        </main>
      </div>
    </div>
  );
}
