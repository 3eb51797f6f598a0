/**
 * Full load from wrk (a C load generator, `apt-get install wrk`) instead of autocannon, for `--load wrk`. Why: on a
 * 2-core machine the load generator shares the cores with the server and PostgreSQL, and autocannon spends 80–110 µs of
 * CPU per request there, about a seventh of what the whole platform may spend at 3,000 messages/s; wrk spends a few.
 * Same plan as the in-process generator: request n goes to `path(n)` with `body(n, key)`, 32 connections.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface FullLoadResult {
  perSec: number;
  /** 2xx answers. */
  acknowledged: number;
  /** Other answers and socket errors. */
  failed: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU the generator spent in its own process (0 when it runs in the benchmark's). */
  cpuSeconds: number;
}

const execFileAsync = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./wrk-post.lua', import.meta.url));
const THREADS = 2;
/** wrk's units of time. */
const SECONDS_PER_UNIT = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const seconds = (value: string, unit: string): number => Number(value) * SECONDS_PER_UNIT[unit as keyof typeof SECONDS_PER_UNIT];
/** Linux reports process times in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** Whether wrk is installed. */
export async function hasWrk(): Promise<boolean> {
  return execFileAsync('wrk', ['--version']).then(
    () => true,
    // wrk --version prints its version and exits 1.
    (error: { code?: unknown; stdout?: string }) => error.code !== 'ENOENT' && /wrk/.test(error.stdout ?? ''),
  );
}

export async function wrkLoad(options: {
  origin: string;
  seconds: number;
  headers: Record<string, string>;
  /** Request n (from 1) goes to `paths[(n - 1) % paths.length]` with `bodies[(n - 1) % bodies.length]`. */
  paths: readonly string[];
  /** JSON bodies holding `@KEY@` where the idempotency key goes. */
  bodies: readonly string[];
  run: string;
}): Promise<FullLoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tongli-wrk-'));
  try {
    const requests = join(dir, 'requests.txt');
    writeFileSync(requests, [options.paths.length, ...options.paths, options.bodies.length, ...options.bodies].join('\n') + '\n');
    // The shell reports the CPU of the wrk it waited for (its children's times in /proc/self/stat).
    const { stdout } = await execFileAsync(
      'sh',
      [
        '-c',
        'wrk "$@" || exit $?; cat /proc/$$/stat',
        'sh',
        ...['-t', String(THREADS), '-c', '32', '-d', `${options.seconds}s`, '--latency', '-s', SCRIPT, options.origin],
      ],
      {
        env: {
          ...process.env,
          WRK_REQUESTS: requests,
          WRK_HEADERS: Object.entries(options.headers)
            .map(([name, value]) => `${name}: ${value}`)
            .join('\n'),
          WRK_THREADS: String(THREADS),
          WRK_RUN: options.run,
        },
      },
    );
    return parseWrk(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** wrk's report with --latency, followed by the shell's /proc stat line. */
export function parseWrk(out: string): FullLoadResult {
  const count = (pattern: RegExp): number => Number(pattern.exec(out)?.[1] ?? 0);
  const total = count(/(\d+) requests in/);
  // wrk prints durations of a minute and more in minutes ("1.00m") or hours.
  const duration = /requests in ([\d.]+)(ms|s|m|h),/.exec(out);
  const elapsed = duration ? seconds(duration[1]!, duration[2]!) : NaN;
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = count(/Non-2xx or 3xx responses: (\d+)/);
  const quantileMs = (q: number): number => {
    const match = new RegExp(`^\\s*${q}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(out);
    if (!match) return NaN;
    return Number((1000 * seconds(match[1]!, match[2]!)).toFixed(1));
  };
  const stat = out.trim().split('\n').at(-1) ?? '';
  // After the command's name in parentheses: fields 3… ; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[13]) + Number(fields[14]);
  const acknowledged = total - non2xx;
  return {
    perSec: Math.round(total / elapsed),
    acknowledged,
    failed: non2xx + errors,
    p50Ms: quantileMs(50),
    p99Ms: quantileMs(99),
    cpuSeconds: Number.isFinite(cpuTicks) ? cpuTicks / TICKS_PER_SECOND : 0,
  };
}
