import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const BIN = 'apps/cli/bin/tongli.js';
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });

describe('the built tongli binary', () => {
  it('analyses with worker threads and keeps input order', () => {
    const r = run(['analyze', 'examples/conversations.jsonl', '--format', 'json', '--workers', '2', '--quiet']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { conversations: { id: string }[] };
    const ids = readFileSync('examples/conversations.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(doc.conversations.map((c) => c.id)).toEqual(ids);
  });

  it('reads stdin', () => {
    const r = run(['analyze', '-', '--format', 'csv', '--workers', '1'], readFileSync('examples/conversations.jsonl', 'utf8'));
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(25);
  });

  it('answers bad usage with exit 2 and one line', () => {
    const r = run(['analyze']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
