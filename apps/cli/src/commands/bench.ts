import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom, generateDialogueLine } from '../bench/corpus.js';
import { measureSpeed } from '../bench/run.js';

export interface BenchOptions {
  json: boolean;
  /** Also time `tongli analyze` on this many generated dialogues (10 messages each) in a child process. */
  large: number;
}

async function measureAnalyze(dialogues: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'tongli-bench-'));
  const file = join(dir, 'dialogues.jsonl');
  try {
    const out = createWriteStream(file);
    const random = createRandom(7);
    for (let i = 0; i < dialogues; i++) {
      if (!out.write(`${generateDialogueLine(i, 10, random)}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const bin = fileURLToPath(new URL('../../bin/tongli.js', import.meta.url));
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [bin, 'analyze', file, '--quiet', '--stats'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'close')) as [number];
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const line = stderr.split('\n').find((l) => l.startsWith('TONGLI_STATS '));
    const stats = line ? (JSON.parse(line.slice('TONGLI_STATS '.length)) as Record<string, number>) : {};
    if (code !== 0) throw new Error(`analyze exited with ${code}: ${stderr.slice(0, 300)}`);
    return {
      dialogues,
      messages: stats.messages ?? dialogues * 10,
      seconds: Math.round(seconds * 10) / 10,
      peakRssMB: stats.peakRssMB ?? 0,
      msgsPerSec: Math.round((stats.messages ?? dialogues * 10) / seconds),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `tongli bench`: messages per second, coach latency percentiles, peak memory; `--large N` adds a batch run. */
export async function runBench(
  options: BenchOptions,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const speed = measureSpeed();
  const result: Record<string, unknown> = { ...speed };
  if (options.large > 0) result.analyze = await measureAnalyze(options.large);
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const lines = [
    `customer messages/s   ${speed.customerMsgsPerSec.toLocaleString('en')} with the default models, ${speed.customerMsgsPerSecRules.toLocaleString('en')} rules only   (≈${speed.messageChars} chars, one core)`,
    `agent replies/s       ${speed.agentMsgsPerSec.toLocaleString('en')}`,
    `conversation msgs/s   ${speed.conversationMsgsPerSec.toLocaleString('en')}`,
    `refresh at turn ${speed.conversationRefreshMs.turns}    ${speed.conversationRefreshMs.full} ms analysing every turn, ${speed.conversationRefreshMs.reused} ms reusing stored turns, ${speed.conversationRefreshMs.reusedNormalized} ms with their normalised text kept`,
    `coach latency (${speed.coachDraftChars} chars)  p50 ${speed.coachLatencyMs.p50} ms  p95 ${speed.coachLatencyMs.p95} ms  p99 ${speed.coachLatencyMs.p99} ms`,
    `peak memory           ${speed.peakRssMB} MB`,
  ];
  const large = result.analyze as Record<string, number> | undefined;
  if (large)
    lines.push(
      `analyze ${large.dialogues} dialogues (${large.messages} msgs): ${large.seconds} s, ${large.msgsPerSec} msgs/s, peak ${large.peakRssMB} MB`,
    );
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
