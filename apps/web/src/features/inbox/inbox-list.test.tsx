// @vitest-environment jsdom
import { renderInLanguage, stubElementSize } from '../../testing/dom.js';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationListItem, Priority } from '../../api/types.js';
import { InboxList } from './inbox-list.js';
import { useInbox } from './use-inbox.js';

const api = vi.hoisted(() => ({ listConversations: vi.fn() }));
vi.mock('../../api/instance.js', () => ({ api }));

const NOW = Date.parse('2026-03-02T10:00:00Z');

const row = (n: number, name: string, priority: Priority, emotion: string | null, risk: string[] = []): ConversationListItem => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  inboxId: 'i1',
  customerId: `cu${n}`,
  teamId: null,
  assigneeId: null,
  status: 'open',
  priority,
  subject: `subject ${n}`,
  tags: [],
  createdAt: '2026-03-02T08:00:00Z',
  updatedAt: '2026-03-02T09:00:00Z',
  lastMessageAt: '2026-03-02T09:00:00Z',
  waitingSince: new Date(NOW - (5 - n) * 20 * 60_000).toISOString(),
  firstResponseAt: null,
  resolvedAt: null,
  customerName: name,
  analysis: emotion ? { lastEmotion: emotion, lastIntensity: 0.8, empathyScore: null, satisfaction: null, risk } : null,
  lastMessage: `<b>message ${n}</b>`,
});

/** The API's order: most urgent and most upset first. */
const ROWS = [
  row(1, '赵强', 'urgent', 'anger', ['abuse']),
  row(2, '王建国', 'high', 'frustration', ['escalation_threat']),
  row(3, 'Anna Smith', 'normal', 'anxiety'),
  row(4, '李梅', 'normal', 'neutral'),
  row(5, 'Tom Lee', 'low', null),
];

function Workspace({ onOpen }: { onOpen(id: string): void }) {
  const inbox = useInbox({ status: 'open' });
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <InboxList
      inbox={inbox}
      selectedId={selected}
      onOpen={(id) => {
        setSelected(id);
        onOpen(id);
      }}
    />
  );
}

let restoreSize: () => void;
beforeAll(() => {
  restoreSize = stubElementSize(360, 600);
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterAll(() => {
  restoreSize();
  vi.useRealTimers();
});
beforeEach(() => {
  api.listConversations.mockReset().mockResolvedValue({ items: ROWS, total: ROWS.length });
});

const rows = () => [...document.querySelectorAll<HTMLButtonElement>('.inbox-row')];

describe('InboxList', () => {
  it("keeps the API's urgency order and shows priority, waiting time, emotion and risk on each row", async () => {
    renderInLanguage(<Workspace onOpen={vi.fn()} />);
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(api.listConversations).toHaveBeenCalledTimes(1);
    expect(api.listConversations).toHaveBeenCalledWith({ status: 'open', limit: 200, offset: 0 });
    expect(rows().map((r) => r.querySelector('.inbox-name')?.textContent)).toEqual(['赵强', '王建国', 'Anna Smith', '李梅', 'Tom Lee']);
    const [urgent, high, normal] = rows();
    expect(urgent?.querySelector('.priority-tag')?.textContent).toBe('紧急');
    expect(urgent?.querySelector('[data-risk="abuse"]')).not.toBeNull();
    expect(urgent?.querySelector('.inbox-waiting')?.textContent).toBe('已等待 1小时');
    expect(high?.querySelector('.priority-tag')?.textContent).toBe('高');
    expect(high?.querySelector('.emotion-badge')?.getAttribute('data-emotion')).toBe('frustration');
    expect(normal?.querySelector('.priority-tag')).toBeNull();
    // The last message is text, even when it looks like markup.
    expect(urgent?.querySelector('.inbox-preview')?.textContent).toBe('<b>message 1</b>');
    expect(urgent?.querySelector('b')).toBeNull();
  });

  it('is one Tab stop; arrows, Home and End move between rows, Enter opens the focused one', async () => {
    const onOpen = vi.fn();
    renderInLanguage(<Workspace onOpen={onOpen} />, 'en');
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(rows().map((r) => r.tabIndex)).toEqual([0, -1, -1, -1, -1]);
    const user = userEvent.setup();
    await user.tab();
    expect(document.activeElement).toBe(rows()[0]);
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(document.activeElement).toBe(rows()[2]);
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(rows()[1]);
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(rows()[4]);
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(rows()[4]);
    await user.keyboard('{Home}{ArrowDown}{Enter}');
    expect(onOpen).toHaveBeenCalledWith(ROWS[1]?.id);
    await waitFor(() => expect(rows()[1]?.getAttribute('aria-current')).toBe('true'));
    // The focused row stays the Tab stop; Tab leaves the list instead of walking every row.
    expect(rows().map((r) => r.tabIndex)).toEqual([-1, 0, -1, -1, -1]);
    await user.tab();
    expect(rows()).not.toContain(document.activeElement);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(rows()[1]);
    await user.keyboard(' ');
    expect(onOpen).toHaveBeenCalledTimes(2);
  });

  it('says so when nothing matches', async () => {
    api.listConversations.mockResolvedValue({ items: [], total: 0 });
    renderInLanguage(<Workspace onOpen={vi.fn()} />, 'en');
    expect(await screen.findByText('No conversations match')).toBeTruthy();
  });
});
