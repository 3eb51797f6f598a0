import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('generated lexicon module', () => {
  it('is up to date with lexicons/ and data/ (run npm run build:lexicons after editing them)', () => {
    const script = fileURLToPath(new URL('../../scripts/compile-lexicons.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../../node_modules/tsx/dist/cli.mjs', import.meta.url));
    let status = 0;
    let output = '';
    try {
      output = execFileSync(process.execPath, [tsx, script, '--check'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { status: number; stderr: string };
      status = e.status;
      output = e.stderr;
    }
    expect(output).not.toContain('stale');
    expect(status).toBe(0);
  });
});
