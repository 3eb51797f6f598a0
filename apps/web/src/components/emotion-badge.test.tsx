// @vitest-environment jsdom
import { renderInLanguage } from '../testing/dom.js';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { EmotionBadge, RiskTags } from './emotion-badge.js';

describe('EmotionBadge', () => {
  it.each([
    ['zh-CN', '愤怒'],
    ['en', 'Anger'],
  ] as const)('%s: names the emotion, colours the dot and draws the intensity as a bar', (language, name) => {
    const { container } = renderInLanguage(<EmotionBadge emotion="anger" intensity={0.734} />, language);
    const badge = container.querySelector('.emotion-badge') as HTMLElement;
    expect(badge.dataset.emotion).toBe('anger');
    expect(badge.querySelector('.emotion-name')?.textContent).toBe(name);
    expect((badge.querySelector('.emotion-dot') as HTMLElement).style.background).toBe('rgb(207, 19, 34)');
    const bar = badge.querySelector('.intensity') as HTMLElement;
    expect(bar.getAttribute('aria-hidden')).toBe('true');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('73%');
  });

  it('clamps the intensity to 0–100% and shows it on hover', async () => {
    const { container } = renderInLanguage(<EmotionBadge emotion="frustration" intensity={1.7} />, 'en');
    expect((container.querySelector('.intensity > span') as HTMLElement).style.width).toBe('100%');
    await userEvent.setup().hover(container.querySelector('.emotion-badge') as HTMLElement);
    await waitFor(() => expect(screen.getByRole('tooltip').textContent).toBe('Intensity 1.00'));
  });

  it('draws nothing without an emotion, and an unknown one in grey', () => {
    expect(renderInLanguage(<EmotionBadge emotion={null} intensity={0.5} />).container.innerHTML).toBe('');
    const { container } = renderInLanguage(<EmotionBadge emotion="boredom" intensity={null} />);
    expect((container.querySelector('.emotion-dot') as HTMLElement).style.background).toBe('rgb(140, 140, 140)');
    expect((container.querySelector('.intensity > span') as HTMLElement).style.width).toBe('0%');
  });
});

describe('RiskTags', () => {
  it('shows the risk flags among the signals, most serious first, and ignores the rest', () => {
    const { container } = renderInLanguage(<RiskTags risk={['escalation_threat', 'repeat_contact', 'self_harm', 'abuse']} />, 'en');
    expect([...container.querySelectorAll('.risk-tag')].map((tag) => [tag.getAttribute('data-risk'), tag.textContent])).toEqual([
      ['self_harm', 'Self-harm'],
      ['abuse', 'Abuse'],
      ['escalation_threat', 'Escalation'],
    ]);
  });
});
