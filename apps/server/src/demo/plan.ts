import type { Channel, Priority } from '../db/schema.js';
import type { DemoData, Scenario } from './demo-data.js';

export type Lang = 'zh' | 'en';
export type Random = () => number;

const DAY = 86_400_000;
const MINUTE = 60_000;
const SPAN_DAYS = 14;
/** Share of Chinese conversations. */
const ZH_SHARE = 2 / 3;
/** Conversations per customer: this share of conversations come from customers seen before. */
const REPEAT_SHARE = 0.3;
const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
const CHANNELS: Record<Lang, [Channel, number][]> = {
  zh: [
    ['web', 0.5],
    ['email', 0.2],
    ['api', 0.15],
    ['import', 0.15],
  ],
  en: [
    ['web', 0.55],
    ['email', 0.3],
    ['api', 0.15],
  ],
};

export interface DemoCustomer {
  index: number;
  lang: Lang;
  name: string;
  /** How agents address them ({{customer.name}}). */
  address: string;
  phone?: string;
  email: string;
  visitor: string;
}

export interface PlannedMessage {
  kind: 'incoming' | 'outgoing';
  text: string;
  at: Date;
}

export interface PlannedConversation {
  customer: DemoCustomer;
  /** The customer has written before (a repeat contact, often on another channel). */
  repeat: boolean;
  lang: Lang;
  scenario: Scenario;
  channel: Channel;
  team: string;
  assignee: string | null;
  status: 'open' | 'pending' | 'resolved';
  priority: Priority;
  tags: string[];
  createdAt: Date;
  messages: PlannedMessage[];
}

function pick<T>(random: Random, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('tongli: demo data has an empty list');
  return item;
}

function pickWeighted<T>(random: Random, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll < 0) return item;
  }
  return pick(random, items)[0];
}

function between(random: Random, low: number, high: number): number {
  return low + random() * (high - low);
}

function createCustomer(data: DemoData, random: Random, index: number): DemoCustomer {
  const { names } = data;
  const lang: Lang = random() < ZH_SHARE ? 'zh' : 'en';
  const visitor = `v_${Math.floor(random() * 0xffffffff)
    .toString(16)
    .padStart(8, '0')}`;
  if (lang === 'zh') {
    const surname = pick(random, names.zhSurnames);
    const title = random() < 0.5 ? names.zhTitles.female : names.zhTitles.male;
    const prefix = pick(random, ['135', '136', '138', '139', '150', '158', '177', '186', '188', '199']);
    const phone = `${prefix}${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
    return {
      index,
      lang,
      name: surname + pick(random, names.zhGiven),
      address: surname + title,
      phone,
      email: `c${1000 + index}${Math.floor(random() * 90 + 10)}@example.com`,
      visitor,
    };
  }
  const first = pick(random, names.enFirst);
  const last = pick(random, names.enLast);
  return {
    index,
    lang,
    name: `${first} ${last}`,
    address: first,
    email: `${first}.${last}${index}@example.org`.toLowerCase(),
    visitor,
  };
}

/** A fortnight of conversations, oldest first; pure given the generator, so the demo is the same every time. */
export function planConversations(data: DemoData, random: Random, now: Date, count: number): PlannedConversation[] {
  const customerCount = Math.max(1, Math.round(count * (1 - REPEAT_SHARE)));
  const customers = Array.from({ length: customerCount }, (_, i) => createCustomer(data, random, i));
  // The first customers come back: repeat contacts, across channels.
  const owners = customers.map((c) => c);
  const regulars = customers.slice(0, Math.max(1, Math.ceil(customerCount * 0.4)));
  while (owners.length < count) owners.push(pick(random, regulars));
  const scenarios = data.scenarios.map((s) => [s, s.weight] as const);

  const starts = owners.map((customer) => ({ customer, at: now.getTime() - Math.pow(random(), 1.3) * SPAN_DAYS * DAY }));
  starts.sort((a, b) => a.at - b.at);
  const history = new Map<number, { channel: Channel; scenario: Scenario }>();
  return starts.map(({ customer, at }) => {
    const before = history.get(customer.index);
    const lang = customer.lang;
    let channel = pickWeighted(random, CHANNELS[lang]);
    if (before && channel === before.channel)
      channel = pickWeighted(
        random,
        CHANNELS[lang].filter(([c]) => c !== before.channel),
      );
    const scenario = before && random() < 0.5 ? before.scenario : pickWeighted(random, scenarios);
    history.set(customer.index, { channel, scenario });
    return planConversation(data, random, now, {
      customer,
      lang,
      scenario,
      channel,
      repeat: before !== undefined,
      createdAt: new Date(at),
    });
  });
}

function teamFor(data: DemoData, scenario: Scenario, lang: Lang): string {
  if (data.organisation.teams.find((t) => t.key === scenario.team)?.languages.includes(lang)) return scenario.team;
  const team = data.organisation.teams.find((t) => t.languages.includes(lang));
  if (!team) throw new Error(`tongli: no demo team handles ${lang}`);
  return team.key;
}

/** Minutes before the next message, by channel (email is slow, an imported call is a matter of seconds). */
function delay(random: Random, channel: Channel, who: 'agent' | 'customer', skill: number): number {
  const [low, high] =
    channel === 'email' ? [30, 480] : channel === 'import' ? [0.2, 1.5] : channel === 'api' ? [3, 60] : who === 'agent' ? [1, 25] : [1, 10];
  const slowness = who === 'agent' ? 1.6 - skill : 1;
  return between(random, low, high) * slowness * MINUTE;
}

function planConversation(
  data: DemoData,
  random: Random,
  now: Date,
  base: Pick<PlannedConversation, 'customer' | 'lang' | 'scenario' | 'channel' | 'repeat' | 'createdAt'>,
): PlannedConversation {
  const { scenario, lang, channel, customer } = base;
  const team = teamFor(data, scenario, lang);
  const agents = data.organisation.staff.filter((s) => s.role === 'agent' && s.teams.includes(team));
  const agent = pick(random, agents);
  const skill = agent.skill ?? 0.5;
  const fill = (text: string): string =>
    text
      .replaceAll('{{customer.name}}', customer.address)
      .replaceAll('{{agent.name}}', lang === 'en' ? (agent.name.split(' ')[0] ?? agent.name) : agent.name);
  const say = (variants: Scenario['customer']['opening']): string => fill(pick(random, variants[lang]));

  const firstGood = random() < skill;
  let opening = say(scenario.customer.opening);
  if (base.repeat && random() < 0.6) opening = `${pick(random, data.repeatOpeners[lang])}${lang === 'en' ? ' ' : ''}${opening}`;
  const script: { kind: 'incoming' | 'outgoing'; text: string }[] = [
    { kind: 'incoming', text: opening },
    { kind: 'outgoing', text: say(firstGood ? scenario.agent.good : scenario.agent.poor) },
    { kind: 'incoming', text: say(firstGood ? scenario.customer.calmer : scenario.customer.angrier) },
  ];
  let satisfied = firstGood;
  if (!firstGood) {
    // A poor first reply needs a second one; a good one wins the customer back.
    satisfied = random() < skill;
    script.push({ kind: 'outgoing', text: say(satisfied ? scenario.agent.good : scenario.agent.poor) });
  }
  const closingGood = random() < skill;
  script.push({ kind: 'outgoing', text: say(closingGood ? scenario.agent.closingGood : scenario.agent.closingPoor) });
  script.push({ kind: 'incoming', text: say(satisfied && closingGood ? scenario.customer.thanks : scenario.customer.curt) });

  // Recent conversations are often still in progress; older ones are mostly resolved.
  const ageDays = (now.getTime() - base.createdAt.getTime()) / DAY;
  const roll = random();
  const intended =
    ageDays < 2
      ? roll < 0.35
        ? 'open'
        : roll < 0.6
          ? 'pending'
          : 'resolved'
      : roll < 0.05
        ? 'open'
        : roll < 0.15
          ? 'pending'
          : 'resolved';
  let length = script.length;
  if (intended === 'open') length = random() < 0.4 ? 1 : 3;
  if (intended === 'pending') length = firstGood ? 2 : 4;

  const messages: PlannedMessage[] = [];
  let at = base.createdAt.getTime();
  const latest = now.getTime() - MINUTE;
  for (const [i, line] of script.slice(0, length).entries()) {
    if (i > 0) at += delay(random, channel, line.kind === 'outgoing' ? 'agent' : 'customer', skill);
    if (at > latest) break;
    messages.push({ kind: line.kind, text: line.text, at: new Date(at) });
  }
  const complete = messages.length === script.length;
  const status = complete && intended === 'resolved' ? 'resolved' : messages.at(-1)?.kind === 'outgoing' ? 'pending' : 'open';
  const angry = !firstGood || (scenario.signals?.length ?? 0) > 0;
  const rank = PRIORITIES.indexOf(scenario.priority) + (angry && random() < 0.4 ? 1 : 0);
  return {
    ...base,
    team,
    assignee: messages.length > 1 ? agent.key : null,
    status,
    priority: PRIORITIES[Math.min(rank, PRIORITIES.length - 1)] ?? scenario.priority,
    tags: [...scenario.tags, ...(base.repeat ? ['repeat-contact'] : []), lang],
    messages,
  };
}
