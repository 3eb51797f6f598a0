/**
 * Throughput of Tongli against the npm peers, on the same seeded corpus in the same run (this machine
 * is noisy, so only the ratios are comparable). English messages for the English peers, the mixed
 * zh/en corpus for Tongli and the multilingual profanity filters.
 *
 *   npx tsx packages/engine/bench/speed.ts [--json]
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { createRandom, generateMessage } from '../../../apps/cli/src/bench/corpus.js';
import { createAnalyzer } from '../src/index.js';
import { loadPeers } from './peer-systems.js';

const SIZE = 20_000;
const random = createRandom(11);
const mixed = Array.from({ length: SIZE }, () => generateMessage('customer', random));
const english = mixed.map((m) => m.replace(/[\u3400-\u9fff，。！？]+/g, ' ').trim() || 'my order is late');

function perSecond(fn: (text: string) => unknown, texts: string[]): number {
  for (let i = 0; i < 2000; i++) fn(texts[i % texts.length] ?? '');
  const start = process.hrtime.bigint();
  for (const t of texts) fn(t);
  return Math.round(texts.length / (Number(process.hrtime.bigint() - start) / 1e9));
}

const jieba = Jieba.withDict(dict);
const tongli = createAnalyzer({ segmenter: { cut: (t) => jieba.cut(t) } });
const rows: { system: string; corpus: string; msgsPerSec: number; ratio: number }[] = [];
const tongliMixed = perSecond((t) => tongli.analyzeCustomer(t), mixed);
const tongliEnglish = perSecond((t) => tongli.analyzeCustomer(t), english);
rows.push({ system: 'Tongli analyzeCustomer', corpus: 'mixed zh/en', msgsPerSec: tongliMixed, ratio: 1 });
rows.push({ system: 'Tongli analyzeCustomer', corpus: 'English', msgsPerSec: tongliEnglish, ratio: 1 });
for (const peer of await loadPeers()) {
  if (peer.status !== 'ready') continue;
  const englishOnly = !peer.langs.includes('zh');
  const texts = englishOnly ? english : mixed;
  const rate = perSecond((t) => peer.predict(t, englishOnly ? 'en' : /[\u3400-\u9fff]/.test(t) ? 'zh' : 'en'), texts);
  const base = englishOnly ? tongliEnglish : tongliMixed;
  rows.push({
    system: `${peer.name} (${peer.task})`,
    corpus: englishOnly ? 'English' : 'mixed zh/en',
    msgsPerSec: rate,
    ratio: Math.round((base / rate) * 100) / 100,
  });
}

if (process.argv.includes('--json')) console.log(JSON.stringify({ size: SIZE, rows }));
else {
  console.log(`Throughput on ${SIZE.toLocaleString('en')} generated customer messages, one core, same run (ratio = Tongli ÷ peer):`);
  for (const r of rows)
    console.log(`  ${r.system.padEnd(34)} ${r.corpus.padEnd(12)} ${r.msgsPerSec.toLocaleString('en').padStart(10)} msgs/s   ×${r.ratio}`);
}
