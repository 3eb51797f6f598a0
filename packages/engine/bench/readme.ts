/**
 * Writes the latest benchmark figures into README.md between its `<!-- accuracy:… -->` and
 * `<!-- speed:… -->` markers: the accuracy tables from results/accuracy.md, and a fresh speed run
 * (`tongli bench --large 100000` and the peer throughput ratios). Run by `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const accuracy = readFileSync(`${root}packages/engine/bench/results/accuracy.md`, 'utf8');
const tables = accuracy.slice(accuracy.indexOf('## emotion'), accuracy.indexOf('## Peers')).replaceAll('## ', '#### ').trim();
const dated = accuracy.split('\n').find((l) => l.startsWith('Macro-F1 on')) ?? '';

const json = (args: string[]) =>
  JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim().split('\n').pop() ?? '{}');
const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
const s = json([`${root}apps/cli/bin/tongli.js`, 'bench', '--json', '--large', '100000']);
const peers = json([tsx, `${root}packages/engine/bench/speed.ts`, '--json']) as {
  rows: { system: string; corpus: string; msgsPerSec: number; ratio: number }[];
};
const a = s.analyze;
const n = (x: number) => x.toLocaleString('en');
const speed = [
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (2 cores, Node ${process.version}).`,
  '',
  '| measure | figure | target |',
  '| --- | ---: | ---: |',
  `| customer messages / s, rules only | ${n(s.customerMsgsPerSecRules)} | ≥ 50,000 |`,
  `| customer messages / s, with the shipped models (CLI default) | ${n(s.customerMsgsPerSec)} | ≥ 50,000 |`,
  `| agent replies / s (with the customer's message as context) | ${n(s.agentMsgsPerSec)} | ≥ 25,000 |`,
  `| whole conversations, messages / s | ${n(s.conversationMsgsPerSec)} | |`,
  `| refreshing a conversation's analysis at its ${s.conversationRefreshMs.turns}th message: every turn again / reusing stored turns / also their normalised text (as the server keeps them) | ${s.conversationRefreshMs.full} / ${s.conversationRefreshMs.reused} / ${s.conversationRefreshMs.reusedNormalized} ms | |`,
  `| \`coach\` latency, ${s.coachDraftChars}-character draft, p50 / p95 / p99 | ${s.coachLatencyMs.p50} / ${s.coachLatencyMs.p95} / ${s.coachLatencyMs.p99} ms | p99 < 1 ms |`,
  `| \`tongli analyze\` of ${n(a.dialogues)} generated dialogues (${n(a.messages)} messages), worker threads | ${a.seconds} s, peak ${a.peakRssMB} MB | < 90 s, < 500 MB |`,
  '',
  'Against the npm peers, same run, same generated messages (`npm run bench:speed`):',
  '',
  '| system | corpus | messages / s | Tongli is … × as fast |',
  '| --- | --- | ---: | ---: |',
  ...peers.rows.map((r) => `| ${r.system} | ${r.corpus} | ${n(r.msgsPerSec)} | ${r.ratio} |`),
  '',
  'AFINN (`sentiment`) is a single word lookup and faster; Tongli does normalisation, negation,',
  'signals and seven emotions in that time. Reproduce: `npm run bench` (the corpus is generated from a',
  'seed, not committed). The machine is shared and noisy: figures move by ±15 % between runs.',
].join('\n');

const replace = (text: string, name: string, body: string) =>
  text.replace(new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`), `<!-- ${name}:start -->\n${body}\n<!-- ${name}:end -->`);
writeFileSync(`${root}README.md`, replace(replace(readme, 'accuracy', `${dated}\n\n${tables}`), 'speed', speed));
console.log('README.md figures updated');
