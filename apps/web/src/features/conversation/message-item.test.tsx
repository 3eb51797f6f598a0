// @vitest-environment jsdom
import { renderInLanguage } from '../../testing/dom.js';
import { CATALOGUE, createAnalyzer } from '@tongli/engine';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Message, MessageAnalysis } from '../../api/types.js';
import type { LoadedEngine } from '../composer/engine.js';
import { HighlightedText } from './highlighted-text.js';
import { MessageItem } from './message-item.js';

vi.mock('../../api/instance.js', () => ({ api: {} }));

const engine: LoadedEngine = { analyzer: createAnalyzer(), catalogue: CATALOGUE };
const HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b>骗子</b>';

const message = (body: string, type: Message['type'], analysis: MessageAnalysis | null = null): Message => ({
  id: `m-${type}`,
  conversationId: 'c1',
  type,
  senderType: type === 'incoming' ? 'customer' : 'agent',
  senderId: null,
  body,
  contentType: 'text',
  createdAt: '2026-03-02T08:30:00Z',
  analysis,
});

const finding = (id: string, body: string, text: string, polarity?: 'good' | 'harmful' | 'neutral') => {
  const start = body.indexOf(text);
  return { id, span: { start, end: start + text.length }, text, confidence: 0.9, ...(polarity ? { polarity } : {}) };
};

describe('MessageItem', () => {
  it('renders hostile HTML in customer text as text, never as markup', () => {
    const analysis: MessageAnalysis = {
      role: 'customer',
      customer: {
        lang: 'zh',
        emotion: 'anger',
        intensity: 0.8,
        sentiment: -0.7,
        signals: [finding('abuse', HOSTILE, '骗子')],
        cues: [finding('emotion:anger', HOSTILE, '<script>')],
      },
    };
    const { container } = renderInLanguage(
      <MessageItem message={message(HOSTILE, 'incoming', analysis)} customerName="王建国" engine={engine} />,
    );
    const body = container.querySelector('.message-body') as HTMLElement;
    expect(body.textContent).toBe(HOSTILE);
    expect(container.querySelector('img, script, b')).toBeNull();
    expect((window as { pwned?: number }).pwned).toBeUndefined();
    // The highlights are spans of the same text: a signal and an emotion cue, each keyboard-focusable.
    const marks = [...body.querySelectorAll('mark')];
    expect(marks.map((m) => [m.className, m.textContent, m.dataset.finding, m.tabIndex])).toEqual([
      ['finding finding-cue', '<script>', 'emotion:anger', 0],
      ['finding finding-signal', '骗子', 'abuse', 0],
    ]);
    expect(screen.getByText('王建国')).toBeTruthy();
    expect(container.querySelector('.emotion-badge')?.getAttribute('data-emotion')).toBe('anger');
  });

  it("marks an agent's harmful and good techniques (neutral ones stay plain) and shows the empathy score", () => {
    const body = '很抱歉让您久等了。这不是我们的问题。我会为您处理。';
    const analysis: MessageAnalysis = {
      role: 'agent',
      agent: {
        lang: 'zh',
        empathyScore: -12.4,
        primary: 'arguing',
        techniques: [
          finding('sincere_apology', body, '很抱歉让您久等了', 'good'),
          finding('arguing', body, '这不是我们的问题', 'harmful'),
          finding('information', body, '我会为您处理', 'neutral'),
        ],
      },
    };
    const { container } = renderInLanguage(
      <MessageItem message={message(body, 'outgoing', analysis)} customerName="" engine={engine} />,
      'en',
    );
    expect([...container.querySelectorAll('mark')].map((m) => [m.className, m.textContent])).toEqual([
      ['finding finding-good', '很抱歉让您久等了'],
      ['finding finding-harmful', '这不是我们的问题'],
    ]);
    expect(container.querySelector('.message-body')?.textContent).toBe(body);
    expect(container.querySelector('.empathy-bad')?.textContent).toBe('Empathy score -12');
    expect(container.querySelector('.message-who')?.textContent).toBe('Agent');
  });

  it('an incoming message without analysis says it is being analysed; a note is labelled as private', () => {
    const { container, unmount } = renderInLanguage(
      <MessageItem message={message('Hello?', 'incoming')} customerName="" engine={undefined} />,
      'en',
    );
    expect(container.querySelector('.pending')?.textContent).toBe('Analysing');
    expect(container.querySelector('.message-who')?.textContent).toBe('Customer');
    unmount();
    const note = renderInLanguage(<MessageItem message={message('<i>internal</i>', 'note')} customerName="" engine={undefined} />, 'en');
    expect(note.container.querySelector('.message-who')?.textContent).toBe('Private note');
    expect(note.container.querySelector('i')).toBeNull();
  });
});

describe('HighlightedText', () => {
  it('explains a highlight in the UI language when it is focused from the keyboard', async () => {
    const text = 'This is the third time I am calling!';
    const { container } = renderInLanguage(
      <HighlightedText text={text} marks={[{ id: 'repeat_contact', start: 12, end: 22, tone: 'signal' }]} engine={engine} />,
      'en',
    );
    expect(container.textContent).toBe(text);
    const user = userEvent.setup();
    await user.tab();
    expect(document.activeElement?.textContent).toBe('third time');
    await waitFor(() => expect(screen.getByRole('tooltip').textContent).toContain('Repeat contact'));
  });

  it('overlapping marks share runs and the text stays whole', () => {
    const text = 'abcdef';
    const { container } = renderInLanguage(
      <HighlightedText
        text={text}
        marks={[
          { id: 'x', start: 1, end: 4, tone: 'cue' },
          { id: 'y', start: 3, end: 5, tone: 'harmful' },
        ]}
        engine={undefined}
      />,
    );
    expect(container.textContent).toBe(text);
    expect([...container.querySelectorAll('mark')].map((m) => [m.textContent, m.dataset.finding, m.className])).toEqual([
      ['bc', 'x', 'finding finding-cue'],
      ['d', 'x y', 'finding finding-harmful'],
      ['e', 'y', 'finding finding-harmful'],
    ]);
  });
});
