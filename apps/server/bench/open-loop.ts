/**
 * Open-loop load at a fixed rate, for latency "at N messages/s". Requests start at Poisson arrival times (many
 * independent customers) whatever the server answers, and each latency counts from when its request was due, not from
 * when it left, so a stalled server cannot hide its queue by slowing the sender (coordinated omission).
 * autocannon's `overallRate` is neither: each connection sends its share of a second back to back at the start of every
 * second, then waits (mcollina/autocannon#174), so its "1,000/s" is a full-speed burst of 1,000 each second, and its
 * latency that of full load.
 * HTTP/1.1 is spoken on plain sockets (http-client.ts): on 2 cores the generator shares the CPU with the server it
 * measures, and undici's pool cost 0.2–0.3 ms per request there, a quarter of a core at 1,000/s.
 */
import { KeepAliveClient } from './http-client.js';

export interface OpenLoopRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface OpenLoopResult {
  acknowledged: number;
  achievedPerSec: number;
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Latencies (ms) at a quantile, nearest rank. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return Number(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(1));
}

export async function openLoop(options: {
  origin: string;
  rate: number;
  seconds: number;
  next: () => OpenLoopRequest;
  /** Connections kept open; a request due while all are busy waits for one, and that wait counts. */
  connections?: number;
}): Promise<OpenLoopResult> {
  const client = new KeepAliveClient(options.origin, options.connections ?? 256);
  const latencies: number[] = [];
  let non2xx = 0;
  let outstanding = 0;
  let finished: () => void = () => undefined;

  const send = (due: number) => {
    const { path, headers, body } = options.next();
    outstanding++;
    client.post(path, headers, body, (status) => {
      latencies.push(performance.now() - due);
      if (status < 200 || status >= 300) non2xx++;
      if (--outstanding === 0) finished();
    });
  };

  const start = performance.now();
  const end = start + options.seconds * 1000;
  let due = start;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (due <= now && due < end) {
        send(due);
        due += (-Math.log(1 - Math.random()) * 1000) / options.rate;
      }
      if (due < end) setTimeout(tick, Math.max(0, Math.min(1, due - performance.now())));
      else resolve();
    };
    tick();
  });
  if (outstanding > 0) await new Promise<void>((resolve) => (finished = resolve));
  client.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    acknowledged: latencies.length - non2xx,
    achievedPerSec: Math.round((latencies.length - non2xx) / options.seconds),
    non2xx,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: quantile(sorted, 1),
  };
}
