import { createRandom } from '@tongli/engine';
import data from './fragments.json' with { type: 'json' };

export { createRandom };

interface Fragments {
  customer: { zh: string[]; en: string[] };
  agent: { zh: string[]; en: string[] };
}

const fragments: Fragments = data;

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)] as T;
}

/** A message of about 50 characters: one or two fragments, zh or en (a quarter of them mixed). */
export function generateMessage(role: 'customer' | 'agent', random: () => number): string {
  const pool = fragments[role];
  const lang = random() < 0.5 ? 'zh' : 'en';
  const first = pick(pool[lang], random);
  if (random() < 0.25) return `${first} ${pick(pool[lang === 'zh' ? 'en' : 'zh'], random)}`.slice(0, 80);
  return lang === 'zh' ? `${first}，${pick(pool.zh, random)}` : `${first}. ${pick(pool.en, random)}`;
}

/** A dialogue of `turns` messages alternating customer / agent, as a JSONL line. */
export function generateDialogueLine(index: number, turns: number, random: () => number): string {
  const out: { role: 'customer' | 'agent'; text: string }[] = [];
  for (let i = 0; i < turns; i++) {
    const role = i % 2 === 0 ? 'customer' : 'agent';
    out.push({ role, text: generateMessage(role, random) });
  }
  return JSON.stringify({ id: `bench-${index}`, agent: `agent-${index % 40}`, turns: out });
}
