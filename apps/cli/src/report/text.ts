import { printable } from '../io/printable.js';
import type { ReportData } from './types.js';

const T = {
  zh: {
    head: '会话',
    msgs: '条消息',
    mean: '平均质检分',
    emo: '客户情绪',
    safety: '安全信号',
    agents: '座席',
    worst: '最差会话',
    tech: '最常见话术',
    skipped: '跳过的行',
    sat: '满意度估计',
    conv: '会话',
    qa: '质检',
    emp: '同理心',
    good: '好',
    bad: '差',
    abuse: '受辱骂',
  },
  en: {
    head: 'conversations',
    msgs: 'messages',
    mean: 'mean QA score',
    emo: 'Customer emotions',
    safety: 'Safety signals',
    agents: 'Agents',
    worst: 'Worst conversations',
    tech: 'Most frequent techniques',
    skipped: 'skipped rows',
    sat: 'Satisfaction estimate',
    conv: 'convs',
    qa: 'QA',
    emp: 'empathy',
    good: 'good',
    bad: 'harmful',
    abuse: 'abuse',
  },
};

function pad(value: string | number, width: number, right = false): string {
  const s = String(value);
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) > 0x2e80 ? 2 : 1;
  const fill = ' '.repeat(Math.max(0, width - w));
  return right ? fill + s : s + fill;
}

/** The readable summary printed to the terminal when no --format is given. */
export function renderTextReport(data: ReportData): string {
  const t = T[data.lang];
  const lines: string[] = [];
  lines.push(`${data.title} — ${printable(data.source)}`);
  lines.push(
    `${data.totals.conversations} ${t.head}, ${data.totals.messages} ${t.msgs}; ${t.mean} ${data.meanScore}/100${data.totals.skipped ? `; ${t.skipped} ${data.totals.skipped}` : ''}`,
  );
  const emotions = Object.entries(data.emotions)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  lines.push(`${t.emo}: ${emotions.map(([e, n]) => `${e} ${n}`).join(' · ') || '—'}`);
  const signals = Object.entries(data.signals).filter(([, n]) => n > 0);
  lines.push(`${t.safety}: ${signals.map(([s, n]) => `${s === 'self_harm' ? '⚠ ' : ''}${s} ${n}`).join(' · ') || '—'}`);
  lines.push(
    `${t.sat}: ${Object.entries(data.satisfaction)
      .map(([k, n]) => `${k} ${n}`)
      .join(' · ')}`,
  );
  lines.push('');
  lines.push(t.agents);
  lines.push(
    `  ${pad('', 16)}${pad(t.conv, 7, true)}${pad(t.qa, 7, true)}${pad(t.emp, 9, true)}${pad(t.good, 7, true)}${pad(t.bad, 9, true)}${pad(t.abuse, 8, true)}`,
  );
  for (const a of data.agents.slice(0, 30)) {
    lines.push(
      `  ${pad(printable(a.agent.slice(0, 14)), 16)}${pad(a.conversations, 7, true)}${pad(a.meanScore, 7, true)}${pad(a.meanEmpathy, 9, true)}${pad(a.good, 7, true)}${pad(a.harmful, 9, true)}${pad(a.abuseExposure, 8, true)}`,
    );
  }
  lines.push('');
  lines.push(t.tech);
  for (const tech of data.techniques.slice(0, 12))
    lines.push(
      `  ${tech.polarity === 'harmful' ? '−' : tech.polarity === 'good' ? '+' : '·'} ${pad(tech.id, 26)}${pad(tech.count, 6, true)}  ${tech.name}`,
    );
  lines.push('');
  lines.push(t.worst);
  for (const w of data.worst.slice(0, 5)) {
    const harmful = w.turns.flatMap((turn) =>
      turn.highlights
        .filter((h) => h.polarity === 'harmful')
        .map((h) => `${h.id} “${printable(turn.text.slice(h.start, Math.min(h.end, h.start + 24))).replace(/\s+/g, ' ')}”`),
    );
    lines.push(
      `  ${printable(w.id)} (${printable(w.agent)}) ${t.qa} ${w.total}, ${t.emp} ${w.empathyScore}: ${harmful.slice(0, 3).join('; ') || '—'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
